using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

public sealed record PerformanceSummary(long Requests, double AvgMs, double P50Ms, double P95Ms, double P99Ms, double ErrorRate, double ServerErrorRate,
    long ActiveUsers)
{
    public static PerformanceSummary Of(RequestCell cell) => new(cell.Requests, cell.AverageMs, cell.PercentileMs(0.50),
        cell.PercentileMs(0.95), cell.PercentileMs(0.99), cell.ErrorRate, cell.ServerErrorRate, cell.Users.Estimate());
}
