using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

/// <summary>The overview's summary and endpoint table, as <c>performance</c> answers them.</summary>
public sealed record OverviewPerformance(PerformanceSummary Summary, IReadOnlyList<EndpointPerformance> Endpoints);
