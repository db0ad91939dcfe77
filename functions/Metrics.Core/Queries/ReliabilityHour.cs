namespace Metrics.Core.Queries;

/// <param name="MinMs">The hour's fastest request, exact (0 without requests).</param>
/// <param name="MaxMs">The hour's slowest request, exact (0 without requests).</param>
/// <param name="Percentiles">The asked percentiles by name (<c>p50</c>, <c>p99.9</c>; <see cref="ReliabilityPercentiles"/>), within 1%.</param>
public sealed record ReliabilityHour(DateTimeOffset At, long Requests, double ErrorRate, double P95Ms, double P99Ms, double MinMs, double MaxMs,
    IReadOnlyDictionary<string, double> Percentiles, bool Spike);
