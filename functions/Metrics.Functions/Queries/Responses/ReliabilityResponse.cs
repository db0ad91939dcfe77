using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

public sealed record ReliabilityResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    string? Service, IReadOnlyList<ReliabilityHour> Hours);
