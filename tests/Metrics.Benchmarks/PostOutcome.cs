using System.Net;

namespace Metrics.Benchmarks;

/// <summary>What posting a set of batches came to: each answer's status and how long it took.</summary>
internal sealed record PostOutcome(HttpStatusCode[] Statuses, TimeSpan[] Latencies, string? FirstFailure)
{
    public int NotAccepted => Statuses.Count(s => s != HttpStatusCode.Accepted);

    public TimeSpan Latency(double quantile)
    {
        var sorted = Latencies.Order().ToArray();
        return sorted.Length == 0 ? TimeSpan.Zero : sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(quantile * sorted.Length))];
    }
}
