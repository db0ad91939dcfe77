using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

/// <summary>The overview's series, as <c>timeseries</c> answers it.</summary>
public sealed record OverviewSeries(string Metric, string Interval, string? Service, string? Endpoint, IReadOnlyList<TimePoint> Points);
