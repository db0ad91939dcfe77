using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

public sealed record PerformanceResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    PerformanceSummary Summary, IReadOnlyList<EndpointPerformance> Endpoints);
