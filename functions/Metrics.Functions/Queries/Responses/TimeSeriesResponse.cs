using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

public sealed record TimeSeriesResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    string Metric, string Interval, string? Service, string? Endpoint, IReadOnlyList<TimePoint> Points);
