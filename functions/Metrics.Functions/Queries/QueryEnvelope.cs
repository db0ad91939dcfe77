using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

/// <summary>The whole hours a response covers: <c>from</c> inclusive, <c>to</c> exclusive.</summary>
public sealed record RangeDto(DateTimeOffset From, DateTimeOffset To)
{
    public static RangeDto Of(QueryWindow window) => new(window.From, window.To);
}

/// <summary>Whether a source's data covers the range: <c>complete</c>, <c>partial</c> or <c>missing</c>.</summary>
public sealed record SourceStatus(string Name, string Status, string Detail);

/// <summary>The newest event a source has sent, and how far behind now that is.</summary>
public sealed record SourceLag(DateTimeOffset? LastEventAt, long? LagSeconds);

/// <summary>What every query response carries besides its own data.</summary>
public sealed record QueryContext(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness)
{
    /// <summary>With a <c>prices</c> source, for answers that show spend: <c>partial</c> when some units had no price in force.</summary>
    public QueryContext WithPrices(IReadOnlyDictionary<string, long> unpriced)
    {
        var (complete, detail) = Core.Pricing.UnpricedUnits.Describe(unpriced);
        return this with { Sources = [.. Sources, new SourceStatus("prices", complete ? "complete" : "partial", detail)] };
    }
}

public sealed record PerformanceResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    PerformanceSummary Summary, IReadOnlyList<EndpointPerformance> Endpoints);

public sealed record UsageResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    UsageSummary Summary, IReadOnlyList<EventTypeCount> EventTypes, IReadOnlyList<PageViews> Pages, IReadOnlyList<NamedEvents> Names);

public sealed record CountResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness, long Count);

public sealed record TimeSeriesResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    string Metric, string Interval, string? Service, string? Endpoint, IReadOnlyList<TimePoint> Points);

public sealed record BreakdownResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    string By, IReadOnlyList<BreakdownRow> Rows, BreakdownRow Totals);

public sealed record ValueResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    string? Service, string Metric, decimal Value);

public sealed record ReliabilityResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    string? Service, IReadOnlyList<ReliabilityHour> Hours);

/// <summary><c>GET /api/metrics/overview</c>: the dashboard's four answers for one period, in one.</summary>
/// <param name="Usage">Null when kept to an org or model (usage events carry neither).</param>
public sealed record OverviewResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    OverviewPerformance Performance, OverviewSeries Series, OverviewUsage? Usage, OverviewBreakdown Breakdown);

public sealed record OverviewPerformance(PerformanceSummary Summary, IReadOnlyList<EndpointPerformance> Endpoints);

public sealed record OverviewSeries(string Metric, string Interval, string? Service, string? Endpoint, IReadOnlyList<TimePoint> Points);

public sealed record OverviewUsage(UsageSummary Summary, IReadOnlyList<EventTypeCount> EventTypes, IReadOnlyList<PageViews> Pages, IReadOnlyList<NamedEvents> Names);

public sealed record OverviewBreakdown(string By, IReadOnlyList<BreakdownRow> Rows, BreakdownRow Totals);
