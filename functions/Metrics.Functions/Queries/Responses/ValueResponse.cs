using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

public sealed record ValueResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    string? Service, string Metric, decimal Value);
