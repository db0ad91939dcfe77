namespace Metrics.Functions.Tests.Queries;

/// <summary>
/// The numbers docs/api.md defines for a set of request events, computed directly from the events as sent: durations,
/// CPU and GPU times summed in whole microseconds, spend as units × unit price in decimal, quantiles as the sorted
/// value at rank floor(q·(n−1)), distinct users by ordinal id.
/// </summary>
internal sealed class ExactRequests
{
    public ExactRequests(IEnumerable<SentRequest> events, IReadOnlyDictionary<string, decimal>? prices = null)
    {
        var list = events.ToList();
        Requests = list.Count;
        ClientErrors = list.Count(e => e.IsClientError);
        ServerErrors = list.Count(e => e.IsServerError);
        DurationMicros = list.Sum(e => Micros(e.DurationMs));
        CpuMicros = list.Sum(e => Micros(e.CpuMs));
        GpuMicros = list.Sum(e => Micros(e.GpuMs));
        Units = list.Sum(e => e.Units);
        Spend = list.Sum(e => e.Units * (e.Model is not null && prices is not null && prices.TryGetValue(e.Model, out var price) ? price : 0m));
        AsyncRequests = list.Count(e => e.IsAsync);
        SyncRequests = Requests - AsyncRequests;
        Users = list.Where(e => e.UserId is not null).Select(e => e.UserId).Distinct(StringComparer.Ordinal).Count();
        Countries = list.Where(e => e.CountryCode is not null).Select(e => e.CountryCode).Distinct(StringComparer.Ordinal).Count();
        SortedDurations = list.Select(e => e.DurationMs).Order().ToArray();
    }

    public long Requests { get; }
    public long ClientErrors { get; }
    public long ServerErrors { get; }
    public long Errors => ClientErrors + ServerErrors;
    public long DurationMicros { get; }
    public long CpuMicros { get; }
    public long GpuMicros { get; }
    public long Units { get; }
    public decimal Spend { get; }
    public long SyncRequests { get; }
    public long AsyncRequests { get; }
    public long Users { get; }
    public long Countries { get; }
    public double[] SortedDurations { get; }

    public double AvgMs => Requests == 0 ? 0 : DurationMicros / 1000.0 / Requests;
    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;
    public double ServerErrorRate => Requests == 0 ? 0 : (double)ServerErrors / Requests;
    public double CpuMs => CpuMicros / 1000.0;
    public double GpuMs => GpuMicros / 1000.0;

    /// <summary>The "lower" quantile: the sorted value at rank floor(q·(n−1)); 0 when there are no events.</summary>
    public double Quantile(double q) => Requests == 0 ? 0 : SortedDurations[(int)Math.Floor(q * (Requests - 1))];

    /// <summary>docs/api.md: durations and times are summed as whole microseconds, rounded half away from zero.</summary>
    public static long Micros(double milliseconds) => (long)Math.Round(milliseconds * 1000, MidpointRounding.AwayFromZero);
}
