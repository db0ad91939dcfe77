using System.Globalization;
using System.Text.Json.Nodes;
using Metrics.Functions.Hosting;
using Metrics.Functions.Operations.OpenApi;
using Metrics.Functions.Operations.Telemetry;
using Metrics.Functions.Security;
using Metrics.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Operations;

/// <summary>Health, self-metrics, the OpenAPI document and the dashboard page (docs/api.md, "Operations").</summary>
public sealed class OperationsFunctions(StorageAccount storage, OperationalState state, PrometheusScrape scrape)
{
    private static readonly Lazy<JsonObject> Document = new(() => OpenApiDocument.Build(HostRoutePrefix()));
    private static readonly Lazy<DashboardPage?> Page = new(() => DashboardPage.Load(Path.Combine(AppContext.BaseDirectory, "dashboard", "index.html")));

    [Function("Health")]
    [EndpointSummary("Whether the app can reach storage"), Tags("Operations")]
    [ResponseContent(StatusCodes.Status503ServiceUnavailable, "application/json", typeof(HealthStatus))]
    public async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> HealthAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await storage.PingAsync(cancellationToken);
            return TypedResults.Ok(new HealthStatus("healthy", "reachable"));
        }
        catch (Exception e) when (StorageFault.IsUnavailable(e))
        {
            request.HttpContext.Response.Headers.RetryAfter = FailureProblems.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Json(new HealthStatus("unhealthy", "unreachable"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>
    /// The self-metrics (docs/operations.md), for an admin only: they name the functions, sources and volumes. A scrape is
    /// neither counted in them nor audited (Prometheus calls every 15 s or so; <see cref="InvocationTelemetry"/>).
    /// </summary>
    [Function(InvocationTelemetry.Unmeasured)]
    [RequiresRole(CallerRoles.Admin, Audited = false)]
    [EndpointSummary("Self-metrics in Prometheus text format"), Tags("Operations"), ProblemResponses(401, 403)]
    [ResponseContent(StatusCodes.Status200OK, PrometheusScrape.ContentType)]
    public async Task<IResult> OpsMetricsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/ops/metrics")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await state.RefreshAsync(cancellationToken);
        return scrape.Answer();
    }

    [Function("OpenApi")]
    [EndpointSummary("This OpenAPI document"), Tags("Operations")]
    [ResponseContent(StatusCodes.Status200OK, "application/json")]
    public static IResult OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/openapi.json")] HttpRequest request) =>
        TypedResults.Text(Document.Value.ToJsonString(), "application/json; charset=utf-8");

    /// <summary>
    /// The admin dashboard page (functions/dashboard). It holds no data and needs no role; everything it shows it
    /// fetches from the query API with the caller's admin key or platform sign-in. Its inline script and style are
    /// allowed by hash in a Content-Security-Policy, so nothing else can run on it.
    /// </summary>
    [Function("Dashboard")]
    [EndpointSummary("The admin dashboard page"), Tags("Operations")]
    [ResponseContent(StatusCodes.Status200OK, "text/html")]
    public static Results<FileContentHttpResult, ProblemHttpResult> Dashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dashboard")] HttpRequest request)
    {
        if (Page.Value is not { } page) return Problems.NotDeployed("The dashboard page");
        var headers = request.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = page.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        // Revalidated each time (cheap, by ETag), so a deployment's page is seen at once.
        headers.CacheControl = "no-cache";
        return TypedResults.Bytes(page.File.Content, "text/html; charset=utf-8", entityTag: page.File.ETag);
    }

    /// <summary>
    /// The page's script and the charting library it draws with (uPlot, installed from npm at build), served by the app
    /// so the page needs no CDN and its policy allows scripts and styles from this origin only.
    /// </summary>
    [Function("DashboardFile")]
    [EndpointSummary("A script or stylesheet of the dashboard page"), Tags("Operations")]
    [ResponseContent(StatusCodes.Status200OK, "text/javascript")]
    public static Results<FileContentHttpResult, ProblemHttpResult> DashboardFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dashboard/{file}")] HttpRequest request, string file)
    {
        if (!DashboardFiles.TryGetValue(file, out var contentType)) return Problems.Of(StatusCodes.Status404NotFound, "not-found", "No such file",
            $"The dashboard serves {string.Join(", ", DashboardFiles.Keys)}; not '{file}'.");
        if (DashboardFileContent.Value[file] is not { } content) return Problems.NotDeployed($"The dashboard file {file}");
        var headers = request.HttpContext.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        return TypedResults.Bytes(content.Content, contentType, entityTag: content.ETag);
    }

    private static readonly Dictionary<string, string> DashboardFiles = new(StringComparer.Ordinal)
    {
        ["dashboard.js"] = "text/javascript; charset=utf-8",
        ["charts.js"] = "text/javascript; charset=utf-8",
        ["tables.js"] = "text/javascript; charset=utf-8",
        ["formats.js"] = "text/javascript; charset=utf-8",
        ["cards.js"] = "text/javascript; charset=utf-8",
        ["reliability.js"] = "text/javascript; charset=utf-8",
        ["exports.js"] = "text/javascript; charset=utf-8",
        ["uplot.js"] = "text/javascript; charset=utf-8",
        ["uplot.css"] = "text/css; charset=utf-8",
    };

    private static readonly Lazy<Dictionary<string, StaticContent?>> DashboardFileContent = new(() =>
        DashboardFiles.Keys.ToDictionary(name => name, name => StaticContent.Load(Path.Combine(AppContext.BaseDirectory, "dashboard", name))));

    /// <summary>The route prefix of the app's host.json, as the host applies it to every route.</summary>
    private static string HostRoutePrefix() => JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")))?["extensions"]?["http"]?["routePrefix"]
        ?.GetValue<string>() ?? "api";
}
