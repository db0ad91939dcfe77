using Metrics.Core;
using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Functions.Hosting;
using Metrics.Functions.Security;
using Metrics.Storage.Admin;
using Metrics.Storage.Rollups;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Queries;

/// <summary>The admin query functions (API.md, "Queries"). Each reads rollups, never raw volume.</summary>
public static class QueryApi
{
    public static IEndpointRouteBuilder MapQueryApi(this IEndpointRouteBuilder app)
    {
        var metrics = app.MapGroup("/api/metrics").WithTags("Queries").RequireRoles(CallerRoles.Admin);
        metrics.MapGet("/performance", PerformanceAsync).WithName("MetricsPerformance").WithSummary("Latency percentiles and error rates, per endpoint");
        metrics.MapGet("/usage", UsageAsync).WithName("MetricsUsage").WithSummary("Usage events, visitors, event types and pages");
        metrics.MapGet("/usage/count", UsageCountAsync).WithName("MetricsUsageCount").WithSummary("The number of usage events in the range");
        metrics.MapGet("/timeseries", TimeSeriesAsync).WithName("MetricsTimeSeries").WithSummary("Hourly or daily points, zero-filled");
        metrics.MapGet("/breakdown", BreakdownAsync).WithName("MetricsBreakdown").WithSummary("Requests and cost by one dimension, as JSON or CSV");
        metrics.MapGet("/value", ValueAsync).WithName("MetricsValue").WithSummary("One metric of one service");
        metrics.MapGet("/reliability", ReliabilityAsync).WithName("MetricsReliability").WithSummary("Hourly error rate and tail latency, with spikes");
        return app;
    }

    private static async Task<Results<Ok<PerformanceResponse>, ProblemHttpResult>> PerformanceAsync(HttpRequest request, QueryData data,
        QuerySources sources, TimeProvider time, IOptions<RetentionOptions> retention, string? service, string? endpoint, CancellationToken cancellationToken)
    {
        if (Window(request, time, retention) is not { } window) return RangeProblem(request, time, retention);
        var (report, hasData) = await data.PerformanceAsync(window, service, endpoint, cancellationToken);
        var context = await sources.DescribeAsync(window, Has(EventKinds.Requests, hasData), cancellationToken);
        return TypedResults.Ok(new PerformanceResponse(context.Range, context.Sources, context.Freshness, report.Summary, report.Endpoints));
    }

    private static async Task<Results<Ok<UsageResponse>, ProblemHttpResult>> UsageAsync(HttpRequest request, QueryData data,
        QuerySources sources, TimeProvider time, IOptions<RetentionOptions> retention, string? eventType, string? includeAnonymous, CancellationToken cancellationToken)
    {
        if (Window(request, time, retention) is not { } window) return RangeProblem(request, time, retention);
        if (EventTypeProblem(eventType) is { } badType) return badType;
        var anonymous = true;
        if (includeAnonymous is not null && !bool.TryParse(includeAnonymous, out anonymous))
            return ParameterProblem("includeAnonymous", includeAnonymous, ["true", "false"]);
        var slices = await data.UsageAsync(window, Grain.Week, cancellationToken, Families.EventType, Families.Page);
        var report = UsageReport.Build(slices[Families.EventType], slices[Families.Page], eventType, anonymous);
        var context = await sources.DescribeAsync(window, Has(EventKinds.Usage, slices[Families.EventType].Count > 0), cancellationToken);
        return TypedResults.Ok(new UsageResponse(context.Range, context.Sources, context.Freshness, report.Summary, report.EventTypes, report.Pages));
    }

    private static async Task<Results<Ok<CountResponse>, ProblemHttpResult>> UsageCountAsync(HttpRequest request, QueryData data,
        QuerySources sources, TimeProvider time, IOptions<RetentionOptions> retention, CancellationToken cancellationToken)
    {
        if (Window(request, time, retention) is not { } window) return RangeProblem(request, time, retention);
        var slices = (await data.UsageAsync(window, Grain.Week, cancellationToken, Families.EventType))[Families.EventType];
        var context = await sources.DescribeAsync(window, Has(EventKinds.Usage, slices.Count > 0), cancellationToken);
        return TypedResults.Ok(new CountResponse(context.Range, context.Sources, context.Freshness, Slices.Total(slices).Events));
    }

    private static async Task<Results<Ok<TimeSeriesResponse>, ProblemHttpResult>> TimeSeriesAsync(HttpRequest request, QueryData data,
        QuerySources sources, TimeProvider time, IOptions<RetentionOptions> retention, string? metric, string? interval, CancellationToken cancellationToken)
    {
        if (Window(request, time, retention) is not { } window) return RangeProblem(request, time, retention);
        metric ??= "both";
        interval ??= "hour";
        if (metric is not ("performance" or "usage" or "both")) return ParameterProblem("metric", metric, ["performance", "usage", "both"]);
        if (interval is not ("hour" or "day")) return ParameterProblem("interval", interval, ["hour", "day"]);
        var grain = interval == "hour" ? Grain.Hour : Grain.Day;
        var requests = metric is "usage" ? [] : (await data.RequestsAsync(window, grain, cancellationToken, Families.Service))[Families.Service];
        var usage = metric is "performance" ? [] : (await data.UsageAsync(window, grain, cancellationToken, Families.EventType))[Families.EventType];
        var points = TimeSeries.Build(window, interval == "hour" ? Interval.Hour : Interval.Day, requests, usage);
        var read = new Dictionary<string, bool>();
        if (metric is not "usage") read[EventKinds.Requests] = requests.Count > 0;
        if (metric is not "performance") read[EventKinds.Usage] = usage.Count > 0;
        var context = await sources.DescribeAsync(window, read, cancellationToken);
        return TypedResults.Ok(new TimeSeriesResponse(context.Range, context.Sources, context.Freshness, metric, interval, points));
    }

    private static async Task<Results<Ok<BreakdownResponse>, FileContentHttpResult, ProblemHttpResult>> BreakdownAsync(HttpRequest request,
        QueryData data, QuerySources sources, PriceStore prices, RosterStore roster, TimeProvider time, IOptions<RetentionOptions> retention,
        string? by, string? format, string? service, CancellationToken cancellationToken)
    {
        if (Window(request, time, retention) is not { } window) return RangeProblem(request, time, retention);
        by ??= "service";
        format ??= "json";
        if (!BreakdownReport.Dimensions.Contains(by)) return ParameterProblem("by", by, BreakdownReport.Dimensions);
        if (format is not ("json" or "csv")) return ParameterProblem("format", format, ["json", "csv"]);
        var family = BreakdownReport.FamilyOf(by);
        var slices = (await data.RequestsAsync(window, Grain.Week, cancellationToken, family))[family];
        var members = by == "membership" ? await roster.GetMembersAsync(cancellationToken) : new HashSet<string>();
        var report = BreakdownReport.Build(by, slices, service, await prices.GetAsync(cancellationToken), members);
        if (format == "csv")
        {
            using var csv = new MemoryStream();
            await BreakdownCsv.WriteAsync(csv, report.Rows, cancellationToken);
            return TypedResults.File(csv.ToArray(), "text/csv; charset=utf-8", $"breakdown-{by}-{window.From:yyyyMMddHH}-{window.To:yyyyMMddHH}.csv");
        }
        var context = await sources.DescribeAsync(window, Has(EventKinds.Requests, slices.Count > 0), cancellationToken);
        return TypedResults.Ok(new BreakdownResponse(context.Range, context.Sources, context.Freshness, by, report.Rows, report.Totals));
    }

    private static async Task<Results<Ok<ValueResponse>, ProblemHttpResult>> ValueAsync(HttpRequest request, QueryData data,
        QuerySources sources, PriceStore prices, TimeProvider time, IOptions<RetentionOptions> retention, string? service, string? metric,
        CancellationToken cancellationToken)
    {
        if (Window(request, time, retention) is not { } window) return RangeProblem(request, time, retention);
        metric ??= "requests";
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

    private static async Task<Results<Ok<ReliabilityResponse>, ProblemHttpResult>> ReliabilityAsync(HttpRequest request, QueryData data,
        QuerySources sources, TimeProvider time, IOptions<RetentionOptions> retention, string? service, CancellationToken cancellationToken)
    {
        if (Window(request, time, retention) is not { } window) return RangeProblem(request, time, retention);
        // The trailing baseline of the first hours lies before the range: read it too, within retention.
        var earliest = QueryWindow.CeilingHour(time.GetUtcNow().AddDays(-retention.Value.RollupDays));
        var baselineStart = window.From.AddHours(-2 * Reliability.BaselineHours);
        var withBaseline = window with { From = baselineStart < earliest ? earliest : baselineStart };
        var slices = (await data.RequestsAsync(withBaseline, Grain.Hour, cancellationToken, Families.Service))[Families.Service];
        var hours = Reliability.Build(window, slices, service);
        var context = await sources.DescribeAsync(window, Has(EventKinds.Requests, hours.Any(h => h.Requests > 0)), cancellationToken);
        return TypedResults.Ok(new ReliabilityResponse(context.Range, context.Sources, context.Freshness, service, hours));
    }

    private static QueryWindow? Window(HttpRequest request, TimeProvider time, IOptions<RetentionOptions> retention) =>
        Parse(request, time, retention).Window;

    private static (QueryWindow? Window, string? Error) Parse(HttpRequest request, TimeProvider time, IOptions<RetentionOptions> retention) =>
        QueryRange.Parse(request.Query["range"], request.Query["from"], request.Query["to"], time.GetUtcNow(), retention.Value);

    private static ProblemHttpResult RangeProblem(HttpRequest request, TimeProvider time, IOptions<RetentionOptions> retention) =>
        Problems.Of(StatusCodes.Status400BadRequest, "invalid-range", "The range is not valid", Parse(request, time, retention).Error!);

    private static ProblemHttpResult ParameterProblem(string name, string value, IEnumerable<string> allowed) =>
        Problems.Of(StatusCodes.Status400BadRequest, "invalid-parameter", $"'{name}' is not valid",
            $"'{name}' must be one of {string.Join(", ", allowed)}; got '{value}'.");

    private static ProblemHttpResult? EventTypeProblem(string? eventType) =>
        eventType is null || UsageEventTypes.All.Contains(eventType) ? null : ParameterProblem("eventType", eventType, UsageEventTypes.All);

    private static Dictionary<string, bool> Has(string kind, bool hasData) => new() { [kind] = hasData };
}
