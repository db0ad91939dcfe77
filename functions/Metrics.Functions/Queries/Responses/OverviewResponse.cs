using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

/// <summary><c>GET /api/metrics/overview</c>: the dashboard's four answers for one period, in one.</summary>
/// <param name="Usage">Null when kept to an org or model (usage events carry neither).</param>
/// <param name="ActiveUsers">Distinct users of the requests and signed-in beacons together; null when any filter is set.</param>
public sealed record OverviewResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    OverviewPerformance Performance, OverviewSeries Series, OverviewUsage? Usage, OverviewBreakdown Breakdown, ActiveUsers? ActiveUsers);
