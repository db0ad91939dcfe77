using Metrics.Core.Ingestion;
using Metrics.Core.Pricing;
using Metrics.Core.Queries;
using Metrics.Core.Retention;
using Metrics.Core.Rollups;
using Metrics.Functions.Csv;
using Metrics.Functions.Hosting;
using Metrics.Functions.Operations.OpenApi;
using Metrics.Functions.Security;
using Metrics.Rollups.Ingest;
using Metrics.Rollups.Queries;
using Metrics.Storage.Admin;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Queries;

/// <summary>
/// The admin query functions (docs/api.md, "Queries"). Each reads rollups through the engine (<see cref="RollupQueries"/>),
/// never raw volume, builds its report in Core, and asks the engine for the answer's sources. An org admin may call the
/// request queries, every answer kept to their org (<see cref="QueryFilters"/>); usage events carry no org.
/// </summary>
[RequiresRole(CallerRoles.Admin, CallerRoles.OrgAdmin)]
public sealed class QueryFunctions(RollupQueries rollups, BreakdownQuery breakdowns, OverviewQuery overviews, QueryWindows windows, PriceStore prices,
    TimeProvider time, IOptions<RetentionOptions> retention, IOptions<EndpointLimitOptions> endpointLimit)
{
    public static readonly IReadOnlyList<string> SeriesMetrics = ["performance", "usage", "both"];
    public static readonly IReadOnlyList<string> SeriesIntervals = ["hour", "day"];
    public static readonly IReadOnlyList<string> Formats = ["json", "csv"];
    public static readonly IReadOnlyList<string> Booleans = ["true", "false"];

    [Function("MetricsPerformance")]
    [EndpointSummary("Latency percentiles and error rates, per endpoint"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    [QueryParameter("service", "Only this service."), QueryParameter("endpoint", "Only this endpoint (its route template).")]
    [QueryParameter("org", "Only this organisation's requests."), QueryParameter("model", "Only requests using this model.")]
    public async Task<Results<Ok<PerformanceResponse>, ProblemHttpResult>> PerformanceAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/performance")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var (filter, invalid) = QueryFilters.Of(request, f => [f.TotalsFamily]);
        if (invalid is not null) return invalid;
        // Endpoints from the filter's endpoint family without its users sketches; the summary and its distinct users from its
        // totals family. The same totals either way (every family holds every event), far fewer bytes.
        // Countries from the filter's country family, without its users sketches, where countries are kept by what the filter keeps to.
        string[] countries = PerformanceReport.CountsCountries(filter!) ? [filter!.CountryFamily] : [];
        var read = await rollups.RequestsAsync(window, Grain.Week, [filter!.EndpointFamily, filter.TotalsFamily, .. countries],
            distinctCountsOf: [filter.TotalsFamily], cancellationToken);
        var report = PerformanceReport.Build(read[filter.EndpointFamily], read[filter.TotalsFamily], filter,
            countries.Length > 0 ? read[filter.CountryFamily] : null);
        var note = RequestNotes.Join(EndpointNotes(report));
        var context = await rollups.ContextAsync(window, [read.Source(read[filter.TotalsFamily].Count > 0, note)], cancellationToken);
        return TypedResults.Ok(new PerformanceResponse(context.Range, context.Sources, context.Freshness, report.Summary, report.Endpoints));
    }

    [Function("MetricsUsage")]
    [EndpointSummary("Usage events, visitors, event types, pages, named features, buttons and forms, and countries"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    [QueryParameter("eventType", "Only events of this type.", typeof(UsageEventTypes), nameof(UsageEventTypes.All))]
    [QueryParameter("includeAnonymous", "Count anonymous visitors among unique users; default true.", typeof(QueryFunctions), nameof(Booleans))]
    [RequiresRole(CallerRoles.Admin)]
    public async Task<Results<Ok<UsageResponse>, ProblemHttpResult>> UsageAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/usage")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var eventType = Query(request, "eventType");
        if (eventType is not null && !UsageEventTypes.All.Contains(eventType)) return ParameterProblem("eventType", eventType, UsageEventTypes.All);
        var anonymous = true;
        if (Query(request, "includeAnonymous") is { } includeAnonymous && !bool.TryParse(includeAnonymous, out anonymous))
            return ParameterProblem("includeAnonymous", includeAnonymous, Booleans);
        var read = await rollups.UsageAsync(window, Grain.Week, [Families.EventType, Families.Page, Families.Name, Families.UsageCountry],
            cancellationToken: cancellationToken);
        var report = UsageReport.Build(read[Families.EventType], read[Families.Page], read[Families.Name], eventType, anonymous, read[Families.UsageCountry]);
        var context = await rollups.ContextAsync(window, [read.Source(read[Families.EventType].Count > 0, report.CountryNote())], cancellationToken);
        return TypedResults.Ok(new UsageResponse(context.Range, context.Sources, context.Freshness, report.Summary, report.EventTypes, report.Pages, report.Names,
            report.Countries));
    }

    [Function("MetricsUsageCount")]
    [EndpointSummary("The number of usage events in the range"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    [RequiresRole(CallerRoles.Admin)]
    public async Task<Results<Ok<CountResponse>, ProblemHttpResult>> UsageCountAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/usage/count")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var read = await rollups.UsageAsync(window, Grain.Week, [Families.EventType], cancellationToken: cancellationToken);
        var slices = read[Families.EventType];
        var context = await rollups.ContextAsync(window, [read.Source(slices.Count > 0)], cancellationToken);
        return TypedResults.Ok(new CountResponse(context.Range, context.Sources, context.Freshness, Slices.Total(slices).Events));
    }

    [Function("MetricsTimeSeries")]
    [EndpointSummary("Hourly or daily points, zero-filled"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    [QueryParameter("metric", "Which points to fill; default both.", typeof(QueryFunctions), nameof(SeriesMetrics))]
    [QueryParameter("interval", "One point per hour or per day; default hour.", typeof(QueryFunctions), nameof(SeriesIntervals))]
    [QueryParameter("service", "Only requests of this service (usage points are not filtered).")]
    [QueryParameter("endpoint", "Only requests to this endpoint (its route template).")]
    [QueryParameter("org", "Only this organisation's requests (metric performance)."), QueryParameter("model", "Only requests using this model (metric performance).")]
    public async Task<Results<Ok<TimeSeriesResponse>, ProblemHttpResult>> TimeSeriesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/timeseries")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var (filter, invalid) = QueryFilters.Of(request, f => [f.TotalsFamily]);
        if (invalid is not null) return invalid;
        // Usage events carry no org or model: kept to one, the series is of requests only.
        var metric = Query(request, "metric") ?? (filter!.ByOrgOrModel ? "performance" : "both");
        if (filter!.ByOrgOrModel && metric != "performance")
            return Problems.Of(StatusCodes.Status400BadRequest, "unsupported-filter", "This answer cannot be filtered that way",
                "Usage events carry no org or model: with 'org' or 'model', ask for metric=performance (the default then).");
        var interval = Query(request, "interval") ?? "hour";
        if (!SeriesMetrics.Contains(metric)) return ParameterProblem("metric", metric, SeriesMetrics);
        if (!SeriesIntervals.Contains(interval)) return ParameterProblem("interval", interval, SeriesIntervals);
        var grain = interval == "hour" ? Grain.Hour : Grain.Day;
        var requests = metric is "usage" ? null : await rollups.RequestsAsync(window, grain, [filter.TotalsFamily], cancellationToken: cancellationToken);
        var usage = metric is "performance" ? null : await rollups.UsageAsync(window, grain, [Families.EventType], cancellationToken: cancellationToken);
        var points = TimeSeries.Build(window, interval == "hour" ? Interval.Hour : Interval.Day, requests?[filter.TotalsFamily] ?? [],
            usage?[Families.EventType] ?? [], filter);
        var read = new List<SourceRead>();
        if (requests is not null) read.Add(requests.Source(points.Any(p => p.Requests > 0)));
        if (usage is not null) read.Add(usage.Source(usage[Families.EventType].Count > 0));
        var context = await rollups.ContextAsync(window, read, cancellationToken);
        return TypedResults.Ok(new TimeSeriesResponse(context.Range, context.Sources, context.Freshness, metric, interval, filter.Service, filter.Endpoint, points));
    }

    [Function("MetricsBreakdown")]
    [EndpointSummary("Requests and cost by one dimension, as JSON or CSV"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    [QueryParameter("by", "The dimension to group by; default service.", typeof(BreakdownReport), nameof(BreakdownReport.Dimensions))]
    [QueryParameter("format", "JSON, or CSV with the same rows; default json.", typeof(QueryFunctions), nameof(Formats))]
    [QueryParameter("service", "Only this service."), QueryParameter("org", "Only this organisation's requests."), QueryParameter("model", "Only requests using this model.")]
    [QueryParameter("endpoint", "Only this endpoint (its route template), with by=endpoint.")]
    [ResponseContent(StatusCodes.Status200OK, "text/csv")]
    public async Task<Results<Ok<BreakdownResponse>, FileContentHttpResult, ProblemHttpResult>> BreakdownAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/breakdown")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var by = Query(request, "by") ?? "service";
        var format = Query(request, "format") ?? "json";
        if (!BreakdownReport.Dimensions.Contains(by)) return ParameterProblem("by", by, BreakdownReport.Dimensions);
        if (!Formats.Contains(format)) return ParameterProblem("format", format, Formats);
        var (filter, invalid) = QueryFilters.Of(request, f => [BreakdownReport.FamilyOf(by, f)]);
        if (invalid is not null) return invalid;
        var breakdown = await breakdowns.RunAsync(window, by, filter!, cancellationToken);
        var report = breakdown.Report;
        if (format == "csv")
        {
            using var csv = new MemoryStream();
            await CsvRows.WriteAsync(csv, report.Rows.ToAsyncEnumerable(), cancellationToken);
            return TypedResults.File(csv.ToArray(), "text/csv; charset=utf-8", $"breakdown-{by}-{window.From:yyyyMMddHH}-{window.To:yyyyMMddHH}.csv");
        }
        var overflow = by == "endpoint" ? report.Rows.Where(r => r.Key.Contains(EndpointLimit.Overflow, StringComparison.Ordinal)).Sum(r => r.Requests) : 0;
        var note = RequestNotes.Join(RequestNotes.Overflow(overflow, endpointLimit.Value.MaxEndpointsPerService), breakdown.Caveat);
        var context = (await rollups.ContextAsync(window, [breakdown.Read.Source(breakdown.HasData, note)], cancellationToken)).WithPrices(report.Unpriced);
        return TypedResults.Ok(new BreakdownResponse(context.Range, context.Sources, context.Freshness, by, report.Rows, report.Totals));
    }

    [Function("MetricsOverview")]
    [EndpointSummary("The dashboard's view of a period in one answer: summary, endpoints, series, usage and one breakdown"), Tags("Queries"), QueryRange,
        ProblemResponses(400, 503)]
    [QueryParameter("service", "Only this service (requests)."), QueryParameter("endpoint", "Only this endpoint (its route template); not the breakdown.")]
    [QueryParameter("org", "Only this organisation's requests; no usage then."), QueryParameter("model", "Only requests using this model; no usage then.")]
    [QueryParameter("by", "The breakdown's dimension; default service.", typeof(BreakdownReport), nameof(BreakdownReport.Dimensions))]
    [QueryParameter("interval", "The series' points; default hour up to 7 days, day beyond.", typeof(QueryFunctions), nameof(SeriesIntervals))]
    public async Task<Results<Ok<OverviewResponse>, ProblemHttpResult>> OverviewAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/overview")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var by = Query(request, "by") ?? "service";
        if (!BreakdownReport.Dimensions.Contains(by)) return ParameterProblem("by", by, BreakdownReport.Dimensions);
        var asked = Query(request, "interval");
        if (asked is not null && !SeriesIntervals.Contains(asked)) return ParameterProblem("interval", asked, SeriesIntervals);
        var interval = asked is null ? TimeSeries.IntervalFor(window) : asked == "hour" ? Interval.Hour : Interval.Day;
        var (filter, invalid) = QueryFilters.Of(request, f => [f.TotalsFamily]);
        if (invalid is not null) return invalid;
        // Breakdowns are kept per endpoint only by endpoint: the breakdown shows the view's service, org and model.
        var breakdownFilter = filter! with { Endpoint = null };
        if (QueryFilters.Check(breakdownFilter, BreakdownReport.FamilyOf(by, breakdownFilter)) is (null, { } unsupportedBreakdown)) return unsupportedBreakdown;

        var overview = await overviews.RunAsync(window, interval, filter, by, breakdownFilter, cancellationToken);
        var (performance, breakdown) = (overview.Performance, overview.Breakdown.Report);
        var note = RequestNotes.Join([.. EndpointNotes(performance), overview.Breakdown.Caveat]);
        var read = new List<SourceRead> { overview.Requests.Source(overview.HasRequests || overview.Breakdown.HasData, note) };
        if (overview.UsageRead is { } usageRead) read.Add(usageRead.Source(usageRead[Families.EventType].Count > 0));
        var context = (await rollups.ContextAsync(window, read, cancellationToken)).WithPrices(breakdown.Unpriced);
        var usage = overview.Usage is { } u ? new OverviewUsage(u.Summary, u.EventTypes, u.Pages, u.Names) : null;
        return TypedResults.Ok(new OverviewResponse(context.Range, context.Sources, context.Freshness,
            new OverviewPerformance(performance.Summary, performance.Endpoints),
            new OverviewSeries(usage is null ? "performance" : "both", interval == Interval.Hour ? "hour" : "day", filter.Service, filter.Endpoint, overview.Points),
            usage, new OverviewBreakdown(by, breakdown.Rows, breakdown.Totals), overview.ActiveUsers));
    }

    [Function("MetricsValue")]
    [EndpointSummary("One metric of one service"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    [QueryParameter("service", "The service; all services when absent.")]
    [QueryParameter("org", "Only this organisation's requests."), QueryParameter("model", "Only requests using this model.")]
    [QueryParameter("metric", "Which metric; default requests.", typeof(ServiceValue), nameof(ServiceValue.Metrics))]
    public async Task<Results<Ok<ValueResponse>, ProblemHttpResult>> ValueAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/value")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var metric = Query(request, "metric") ?? "requests";
        if (!ServiceValue.Metrics.Contains(metric)) return ParameterProblem("metric", metric, ServiceValue.Metrics);
        string[] Families(QueryFilter f) => metric == "countries" ? [f.TotalsFamily, f.CountryFamily] : [f.TotalsFamily];
        var (filter, invalid) = QueryFilters.Of(request, Families);
        if (invalid is not null) return invalid;
        var service = filter!.Service;
        var priceList = await prices.GetAsync(cancellationToken);
        var read = await rollups.RequestsAsync(window, metric == "spend" ? priceList.CoarsestGrain(window) : Grain.Week, Families(filter),
            cancellationToken: cancellationToken);
        var serviceSlices = read[filter.TotalsFamily].Where(s => filter.Includes(s.Key)).ToList();
        var countrySlices = metric == "countries" ? read[filter.CountryFamily].Where(s => filter.Includes(s.Key)).ToList() : [];
        var value = ServiceValue.Of(metric, serviceSlices, countrySlices, priceList);
        var context = await rollups.ContextAsync(window, [read.Source(serviceSlices.Count > 0)], cancellationToken);
        if (metric == "spend") context = context.WithPrices(UnpricedUnits.Of(serviceSlices, priceList));
        return TypedResults.Ok(new ValueResponse(context.Range, context.Sources, context.Freshness, service, metric, value));
    }

    [Function("MetricsReliability")]
    [EndpointSummary("Hourly error rate and tail latency, with spikes"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    [QueryParameter("service", "Only this service.")]
    [QueryParameter("org", "Only this organisation's requests."), QueryParameter("model", "Only requests using this model.")]
    [QueryParameter("percentiles", "The percentiles each hour shows, comma-separated numbers from 0 to 100 (e.g. 50,95,99.9); default 95,99.")]
    public async Task<Results<Ok<ReliabilityResponse>, ProblemHttpResult>> ReliabilityAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/reliability")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var (percentiles, why) = ReliabilityPercentiles.Parse(Query(request, "percentiles"));
        if (percentiles is null)
            return Problems.Of(StatusCodes.Status400BadRequest, "invalid-parameter", "'percentiles' is not valid",
                $"'percentiles' lists the percentiles to show, comma-separated (e.g. percentiles=50,95,99.9): {why}.");
        var (filter, invalid) = QueryFilters.Of(request, f => [f.TotalsFamily]);
        if (invalid is not null) return invalid;
        var service = filter!.Service;
        var withBaseline = Reliability.WithBaseline(window, time.GetUtcNow(), retention.Value.RollupDays);
        var read = await rollups.RequestsAsync(withBaseline, Grain.Hour, [filter.TotalsFamily], cancellationToken: cancellationToken);
        var hours = Reliability.Build(window, read[filter.TotalsFamily], filter, percentiles);
        var context = await rollups.ContextAsync(window, [read.Source(hours.Any(h => h.Requests > 0))], cancellationToken);
        return TypedResults.Ok(new ReliabilityResponse(context.Range, context.Sources, context.Freshness, service, hours));
    }

    /// <summary>What an endpoint table's requests source says: requests under <c>{other}</c>, and those in no endpoint row.</summary>
    private string?[] EndpointNotes(PerformanceReport report) =>
        [RequestNotes.Overflow(RequestNotes.OverflowOf(report.Endpoints), endpointLimit.Value.MaxEndpointsPerService), RequestNotes.Unattributed(report.RequestsWithoutEndpoint)];

    /// <summary>A query parameter's value; null when it is absent.</summary>
    private static string? Query(HttpRequest request, string name) => request.Query.TryGetValue(name, out var value) ? value.ToString() : null;

    private static ProblemHttpResult ParameterProblem(string name, string value, IEnumerable<string> allowed) =>
        Problems.Of(StatusCodes.Status400BadRequest, "invalid-parameter", $"'{name}' is not valid",
            $"'{name}' must be one of {string.Join(", ", allowed)}; got '{value}'.");
}
