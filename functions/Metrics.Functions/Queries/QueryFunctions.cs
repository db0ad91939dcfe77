using Metrics.Core;
using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Retention;
using Metrics.Core.Rollups;
using Metrics.Functions.Hosting;
using Metrics.Functions.Operations.OpenApi;
using Metrics.Functions.Security;
using Metrics.Storage.Admin;
using Metrics.Storage.Rollups;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Queries;

/// <summary>The admin query functions (docs/api.md, "Queries"). Each reads rollups, never raw volume.</summary>
[RequiresRole(CallerRoles.Admin)]
public sealed class QueryFunctions(QueryData data, BreakdownQuery breakdowns, QuerySources sources, QueryWindows windows, PriceStore prices,
    TimeProvider time, IOptions<RetentionOptions> retention, IOptions<Ingest.IngestOptions> ingest)
{
    public static readonly IReadOnlyList<string> SeriesMetrics = ["performance", "usage", "both"];
    public static readonly IReadOnlyList<string> SeriesIntervals = ["hour", "day"];
    public static readonly IReadOnlyList<string> Formats = ["json", "csv"];
    public static readonly IReadOnlyList<string> Booleans = ["true", "false"];

    [Function("MetricsPerformance")]
    [EndpointSummary("Latency percentiles and error rates, per endpoint"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    [QueryParameter("service", "Only this service."), QueryParameter("endpoint", "Only this endpoint (its route template).")]
    public async Task<Results<Ok<PerformanceResponse>, ProblemHttpResult>> PerformanceAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/performance")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var (report, hasData) = await data.PerformanceAsync(window, Query(request, "service"), Query(request, "endpoint"), cancellationToken);
        var overflow = report.Endpoints.Where(e => e.Endpoint == EndpointLimit.Overflow).Sum(e => e.Requests);
        var context = await sources.DescribeAsync(window, Has(EventKinds.Requests, hasData), cancellationToken, OverflowNote(overflow));
        return TypedResults.Ok(new PerformanceResponse(context.Range, context.Sources, context.Freshness, report.Summary, report.Endpoints));
    }

    [Function("MetricsUsage")]
    [EndpointSummary("Usage events, visitors, event types, pages and named features, buttons and forms"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    [QueryParameter("eventType", "Only events of this type.", typeof(UsageEventTypes), nameof(UsageEventTypes.All))]
    [QueryParameter("includeAnonymous", "Count anonymous visitors among unique users; default true.", typeof(QueryFunctions), nameof(Booleans))]
    public async Task<Results<Ok<UsageResponse>, ProblemHttpResult>> UsageAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/usage")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var eventType = Query(request, "eventType");
        if (eventType is not null && !UsageEventTypes.All.Contains(eventType)) return ParameterProblem("eventType", eventType, UsageEventTypes.All);
        var anonymous = true;
        if (Query(request, "includeAnonymous") is { } includeAnonymous && !bool.TryParse(includeAnonymous, out anonymous))
            return ParameterProblem("includeAnonymous", includeAnonymous, Booleans);
        var slices = await data.UsageAsync(window, Grain.Week, cancellationToken, Families.EventType, Families.Page, Families.Name);
        var report = UsageReport.Build(slices[Families.EventType], slices[Families.Page], slices[Families.Name], eventType, anonymous);
        var context = await sources.DescribeAsync(window, Has(EventKinds.Usage, slices[Families.EventType].Count > 0), cancellationToken);
        return TypedResults.Ok(new UsageResponse(context.Range, context.Sources, context.Freshness, report.Summary, report.EventTypes, report.Pages, report.Names));
    }

    [Function("MetricsUsageCount")]
    [EndpointSummary("The number of usage events in the range"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    public async Task<Results<Ok<CountResponse>, ProblemHttpResult>> UsageCountAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/usage/count")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var slices = (await data.UsageAsync(window, Grain.Week, cancellationToken, Families.EventType))[Families.EventType];
        var context = await sources.DescribeAsync(window, Has(EventKinds.Usage, slices.Count > 0), cancellationToken);
        return TypedResults.Ok(new CountResponse(context.Range, context.Sources, context.Freshness, Slices.Total(slices).Events));
    }

    [Function("MetricsTimeSeries")]
    [EndpointSummary("Hourly or daily points, zero-filled"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    [QueryParameter("metric", "Which points to fill; default both.", typeof(QueryFunctions), nameof(SeriesMetrics))]
    [QueryParameter("interval", "One point per hour or per day; default hour.", typeof(QueryFunctions), nameof(SeriesIntervals))]
    [QueryParameter("service", "Only requests of this service (usage points are not filtered).")]
    [QueryParameter("endpoint", "Only requests to this endpoint (its route template).")]
    public async Task<Results<Ok<TimeSeriesResponse>, ProblemHttpResult>> TimeSeriesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/timeseries")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var metric = Query(request, "metric") ?? "both";
        var interval = Query(request, "interval") ?? "hour";
        if (!SeriesMetrics.Contains(metric)) return ParameterProblem("metric", metric, SeriesMetrics);
        if (!SeriesIntervals.Contains(interval)) return ParameterProblem("interval", interval, SeriesIntervals);
        var grain = interval == "hour" ? Grain.Hour : Grain.Day;
        var (service, endpoint) = (Query(request, "service"), Query(request, "endpoint"));
        // Only the endpoint family knows endpoints; the service family is far smaller for everything else.
        var requestFamily = endpoint is null ? Families.Service : Families.Endpoint;
        var requests = metric is "usage" ? [] : (await data.RequestsAsync(window, grain, cancellationToken, requestFamily))[requestFamily];
        var usage = metric is "performance" ? [] : (await data.UsageAsync(window, grain, cancellationToken, Families.EventType))[Families.EventType];
        var points = TimeSeries.Build(window, interval == "hour" ? Interval.Hour : Interval.Day, requests, usage, service, endpoint);
        var read = new Dictionary<string, bool>();
        if (metric is not "usage") read[EventKinds.Requests] = points.Any(p => p.Requests > 0);
        if (metric is not "performance") read[EventKinds.Usage] = usage.Count > 0;
        var context = await sources.DescribeAsync(window, read, cancellationToken);
        return TypedResults.Ok(new TimeSeriesResponse(context.Range, context.Sources, context.Freshness, metric, interval, service, endpoint, points));
    }

    [Function("MetricsBreakdown")]
    [EndpointSummary("Requests and cost by one dimension, as JSON or CSV"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    [QueryParameter("by", "The dimension to group by; default service.", typeof(BreakdownReport), nameof(BreakdownReport.Dimensions))]
    [QueryParameter("format", "JSON, or CSV with the same rows; default json.", typeof(QueryFunctions), nameof(Formats))]
    [QueryParameter("service", "Only this service.")]
    [ResponseContent(StatusCodes.Status200OK, "text/csv")]
    public async Task<Results<Ok<BreakdownResponse>, FileContentHttpResult, ProblemHttpResult>> BreakdownAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/breakdown")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var by = Query(request, "by") ?? "service";
        var format = Query(request, "format") ?? "json";
        if (!BreakdownReport.Dimensions.Contains(by)) return ParameterProblem("by", by, BreakdownReport.Dimensions);
        if (!Formats.Contains(format)) return ParameterProblem("format", format, Formats);
        var (report, hasData) = await breakdowns.RunAsync(window, by, Query(request, "service"), cancellationToken);
        if (format == "csv")
        {
            using var csv = new MemoryStream();
            await BreakdownCsv.WriteAsync(csv, report.Rows, cancellationToken);
            return TypedResults.File(csv.ToArray(), "text/csv; charset=utf-8", $"breakdown-{by}-{window.From:yyyyMMddHH}-{window.To:yyyyMMddHH}.csv");
        }
        var overflow = by == "endpoint" ? report.Rows.Where(r => r.Key.Contains(EndpointLimit.Overflow, StringComparison.Ordinal)).Sum(r => r.Requests) : 0;
        var context = await sources.DescribeAsync(window, Has(EventKinds.Requests, hasData), cancellationToken, OverflowNote(overflow));
        return TypedResults.Ok(new BreakdownResponse(context.Range, context.Sources, context.Freshness, by, report.Rows, report.Totals));
    }

    [Function("MetricsValue")]
    [EndpointSummary("One metric of one service"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    [QueryParameter("service", "The service; all services when absent.")]
    [QueryParameter("metric", "Which metric; default requests.", typeof(ServiceValue), nameof(ServiceValue.Metrics))]
    public async Task<Results<Ok<ValueResponse>, ProblemHttpResult>> ValueAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/value")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var service = Query(request, "service");
        var metric = Query(request, "metric") ?? "requests";
        if (!ServiceValue.Metrics.Contains(metric)) return ParameterProblem("metric", metric, ServiceValue.Metrics);
        string[] families = metric == "countries" ? [Families.Service, Families.Country] : [Families.Service];
        var slices = await data.RequestsAsync(window, Grain.Week, cancellationToken, families);
        bool Selected(RollupSlice<RequestCell> s) => service is null || s.Key.Value(0) == service;
        var serviceSlices = slices[Families.Service].Where(Selected).ToList();
        var countrySlices = metric == "countries" ? slices[Families.Country].Where(Selected).ToList() : [];
        var value = ServiceValue.Of(metric, serviceSlices, countrySlices, await prices.GetAsync(cancellationToken));
        var context = await sources.DescribeAsync(window, Has(EventKinds.Requests, serviceSlices.Count > 0), cancellationToken);
        return TypedResults.Ok(new ValueResponse(context.Range, context.Sources, context.Freshness, service, metric, value));
    }

    [Function("MetricsReliability")]
    [EndpointSummary("Hourly error rate and tail latency, with spikes"), Tags("Queries"), QueryRange, ProblemResponses(400, 503)]
    [QueryParameter("service", "Only this service.")]
    public async Task<Results<Ok<ReliabilityResponse>, ProblemHttpResult>> ReliabilityAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/metrics/reliability")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (windows.Of(request) is not { Window: { } window }) return windows.Problem(request);
        var service = Query(request, "service");
        // The trailing baseline of the first hours lies before the range: read it too, within retention.
        var earliest = QueryWindow.CeilingHour(time.GetUtcNow().AddDays(-retention.Value.RollupDays));
        var baselineStart = window.From.AddHours(-2 * Reliability.BaselineHours);
        var withBaseline = window with { From = baselineStart < earliest ? earliest : baselineStart };
        var slices = (await data.RequestsAsync(withBaseline, Grain.Hour, cancellationToken, Families.Service))[Families.Service];
        var hours = Reliability.Build(window, slices, service);
        var context = await sources.DescribeAsync(window, Has(EventKinds.Requests, hours.Any(h => h.Requests > 0)), cancellationToken);
        return TypedResults.Ok(new ReliabilityResponse(context.Range, context.Sources, context.Freshness, service, hours));
    }

    /// <summary>Says, on the requests source, how many requests the endpoint limit counted under <c>{other}</c>, and what to do.</summary>
    private Dictionary<string, string>? OverflowNote(long requests) => requests == 0 ? null : new()
    {
        [EventKinds.Requests] = $"{requests} requests are counted under the endpoint {EndpointLimit.Overflow}: their service reported more than " +
            $"{ingest.Value.MaxEndpointsPerService} distinct endpoints in a day (Ingest:MaxEndpointsPerService). Send route templates ('route') " +
            "so that ids in paths do not become endpoints.",
    };

    /// <summary>A query parameter's value; null when it is absent.</summary>
    private static string? Query(HttpRequest request, string name) => request.Query.TryGetValue(name, out var value) ? value.ToString() : null;

    private static ProblemHttpResult ParameterProblem(string name, string value, IEnumerable<string> allowed) =>
        Problems.Of(StatusCodes.Status400BadRequest, "invalid-parameter", $"'{name}' is not valid",
            $"'{name}' must be one of {string.Join(", ", allowed)}; got '{value}'.");

    private static Dictionary<string, bool> Has(string kind, bool hasData) => new() { [kind] = hasData };
}
