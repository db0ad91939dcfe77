using Metrics.Core.Ingestion;
using Metrics.Core.Pricing;
using Metrics.Core.Sketches;

namespace Metrics.Core.Rollups;

/// <summary>
/// The aggregate of some request events: a rollup row, or a query's answer for one group. Merging two
/// cells gives exactly the cell of the union. Durations and CPU/GPU times are summed in whole
/// microseconds so that totals are exact integers, equal however the rows are grouped.
/// </summary>
public sealed class RequestCell
{
    public long Requests { get; set; }
    public long ClientErrors { get; set; }
    public long ServerErrors { get; set; }
    public long DurationMicros { get; set; }
    public long Units { get; set; }
    public long CpuMicros { get; set; }
    public long GpuMicros { get; set; }
    public long SyncRequests { get; set; }
    public long AsyncRequests { get; set; }
    public DateTimeOffset LastEventAt { get; set; }
    public QuantileSketch Durations { get; set; } = new();
    public DistinctCountSketch Users { get; set; } = new();
    /// <summary>Units per model (models without units left out; the empty string for none), what spend is priced from.</summary>
    public SortedDictionary<string, long> UnitsByModel { get; set; } = new(StringComparer.Ordinal);

    public long Errors => ClientErrors + ServerErrors;
    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;
    /// <summary>The share of requests the service itself failed (5xx), beside <see cref="ErrorRate"/> which counts 4xx too.</summary>
    public double ServerErrorRate => Requests == 0 ? 0 : (double)ServerErrors / Requests;
    public double AverageMs => Requests == 0 ? 0 : DurationMicros / 1000.0 / Requests;
    public double CpuMs => CpuMicros / 1000.0;
    public double GpuMs => GpuMicros / 1000.0;
    public double PercentileMs(double q) => Durations.Quantile(q);
    /// <summary>
    /// Units × each model's price in force at <paramref name="at"/>, the start of the cell's hour, day or week: exact
    /// decimals, so spends add up the same however cells are grouped.
    /// </summary>
    public decimal Spend(PriceList prices, DateTimeOffset at) => UnitsByModel.Sum(m => prices.Spend(m.Key, m.Value, at));

    public void Add(RequestEvent e)
    {
        Requests++;
        if (e.Status is >= 400 and < 500) ClientErrors++;
        else if (e.Status >= 500) ServerErrors++;
        DurationMicros += Micros(e.DurationMs);
        Durations.Add(e.DurationMs);
        Units += e.Units;
        AddUnits(e.Model ?? "", e.Units);
        CpuMicros += Micros(e.CpuMs);
        GpuMicros += Micros(e.GpuMs);
        if (e.Invocation == Invocation.Async) AsyncRequests++;
        else SyncRequests++;
        if (e.UserId is not null) Users.Add(e.UserId);
        if (e.Timestamp > LastEventAt) LastEventAt = e.Timestamp;
    }

    public void Merge(RequestCell other)
    {
        Requests += other.Requests;
        ClientErrors += other.ClientErrors;
        ServerErrors += other.ServerErrors;
        DurationMicros += other.DurationMicros;
        Units += other.Units;
        CpuMicros += other.CpuMicros;
        GpuMicros += other.GpuMicros;
        SyncRequests += other.SyncRequests;
        AsyncRequests += other.AsyncRequests;
        if (other.LastEventAt > LastEventAt) LastEventAt = other.LastEventAt;
        Durations.Merge(other.Durations);
        Users.Merge(other.Users);
        foreach (var (model, units) in other.UnitsByModel) AddUnits(model, units);
    }

    private void AddUnits(string model, long units)
    {
        if (units != 0) UnitsByModel[model] = UnitsByModel.GetValueOrDefault(model) + units;
    }

    /// <summary>The exact integer a duration contributes to sums; tests compute totals the same way.</summary>
    public static long Micros(double milliseconds) => (long)Math.Round(milliseconds * 1000, MidpointRounding.AwayFromZero);
}
