using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Rollups.Queries;

namespace Metrics.Functions.Queries;

/// <summary>What the dashboard shows of one period, read for one answer.</summary>
/// <param name="Requests">The request read the summary and series came from (its source).</param>
/// <param name="Usage">Null when the view is kept to an org or model: usage events carry neither.</param>
/// <param name="UsageRead">The usage read, when there is one.</param>
/// <param name="ActiveUsers">Users of the requests and the beacons as one count; null unless the view is unfiltered.</param>
/// <param name="HasRequests">Whether the window held any request data (before the filter), as the performance query says it.</param>
public sealed record Overview(PerformanceReport Performance, RollupRead<RequestCell> Requests, bool HasRequests, IReadOnlyList<TimePoint> Points,
    UsageReport? Usage, RollupRead<UsageCell>? UsageRead, BreakdownAnswer Breakdown, ActiveUsers? ActiveUsers);
