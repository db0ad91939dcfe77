namespace Metrics.Core.Queries;

/// <summary>One point of a time series; a bucket with no data is present with zeros.</summary>
/// <param name="ServerErrorRate">The 5xx share; <paramref name="ErrorRate"/> counts 4xx and 5xx, so charts can tell them apart.</param>
/// <param name="Users">Distinct visitors of the bucket, counted as the usage summary counts them.</param>
public sealed record TimePoint(DateTimeOffset At, long Requests, double ErrorRate, double ServerErrorRate, double AvgMs, double P50Ms,
    double P95Ms, double P99Ms, long Events, long Users);
