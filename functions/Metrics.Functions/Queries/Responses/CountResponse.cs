using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

public sealed record CountResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness, long Count);
