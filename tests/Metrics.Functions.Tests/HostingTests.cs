using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Metrics.Functions.Tests.Ingest;
using Metrics.LocalHost;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests;

/// <summary>
/// The app as the Functions host sees it: a worker process of its own that reports its functions, whose generated
/// metadata (functions.metadata) and OpenAPI document list the same operations, with routes the host accepts.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HostingTests(SharedAzurite azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Health_reports_reachable_storage()
    {
        var response = await _app.Client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("reachable", (await response.ReadJsonAsync()).GetProperty("storage").GetString());
    }

    [Fact]
    public void The_worker_runs_in_a_process_of_its_own_and_reports_every_generated_function()
    {
        using var worker = Process.GetProcessById(_app.Host.WorkerProcessId);

        Assert.NotEqual(Environment.ProcessId, worker.Id);
        Assert.Equal(GeneratedMetadata().Select(f => f.GetProperty("name").GetString()).Order(), _app.Host.Functions.Select(f => f.Name).Order());
    }

    /// <summary>The host serves exactly what functions.metadata declares; the document must describe exactly that.</summary>
    [Fact]
    public async Task OpenApi_document_and_generated_function_metadata_list_the_same_operations()
    {
        var openApi = JsonDocument.Parse(await _app.Client.GetStringAsync("/api/openapi.json")).RootElement;
        var documented = openApi.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name} {op.Value.GetProperty("operationId").GetString()}"))
            .Order().ToList();
        var prefix = HostRoutePrefix();
        var declared = HttpTriggers()
            .SelectMany(trigger => trigger.Trigger.GetProperty("methods").EnumerateArray()
                .Select(m => m.GetString()!.ToUpperInvariant())
                .Where(method => method != "OPTIONS")
                .Select(method => $"{method} /{string.Join('/', new[] { prefix, trigger.Trigger.GetProperty("route").GetString() }.Where(p => p!.Length > 0))} {trigger.Name}"))
            .Order().ToList();

        Assert.Equal(declared, documented);
    }

    [Fact]
    public async Task OpenApi_document_describes_what_the_dashboard_reads_the_5xx_rate_series_filters_and_usage_names()
    {
        var openApi = JsonDocument.Parse(await _app.Client.GetStringAsync("/api/openapi.json")).RootElement;
        var series = openApi.GetProperty("paths").GetProperty("/api/metrics/timeseries").GetProperty("get");
        var schemas = openApi.GetProperty("components").GetProperty("schemas");
        // The property names of a response schema's nested object (its rows are written in place, under "items").
        string[] Properties(string schema, string property, bool list) =>
            [.. (list ? schemas.GetProperty(schema).GetProperty("properties").GetProperty(property).GetProperty("items")
                : schemas.GetProperty(schema).GetProperty("properties").GetProperty(property)).GetProperty("properties").EnumerateObject().Select(p => p.Name)];

        Assert.Contains("service", series.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Contains("endpoint", series.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Contains("serverErrorRate", Properties("TimeSeriesResponse", "points", list: true));
        Assert.Contains("p99Ms", Properties("TimeSeriesResponse", "points", list: true));
        Assert.Contains("serverErrorRate", Properties("PerformanceResponse", "summary", list: false));
        Assert.Contains("serverErrorRate", Properties("PerformanceResponse", "endpoints", list: true));
        Assert.Contains("serverErrorRate", Properties("BreakdownResponse", "rows", list: true));
        Assert.Equal(["events", "name", "type", "visitors"], Properties("UsageResponse", "names", list: true).Order());
    }

    [Fact]
    public async Task OpenApi_document_describes_parameters_bodies_problems_and_security()
    {
        var openApi = JsonDocument.Parse(await _app.Client.GetStringAsync("/api/openapi.json")).RootElement;
        var breakdown = openApi.GetProperty("paths").GetProperty("/api/metrics/breakdown").GetProperty("get");
        var ingest = openApi.GetProperty("paths").GetProperty("/api/ingest/requests").GetProperty("post");

        var parameters = breakdown.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal(["by", "endpoint", "format", "from", "model", "org", "range", "service", "to"], parameters.Keys.Order());
        Assert.Equal(Core.Queries.BreakdownReport.Dimensions, parameters["by"].GetProperty("schema").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["application/json", "text/csv"], breakdown.GetProperty("responses").GetProperty("200").GetProperty("content").EnumerateObject().Select(c => c.Name).Order());
        Assert.Equal(["200", "400", "401", "403", "500", "503"], breakdown.GetProperty("responses").EnumerateObject().Select(r => r.Name));
        Assert.True(breakdown.GetProperty("security")[0].TryGetProperty("bearer", out _));
        Assert.True(ingest.GetProperty("security")[0].TryGetProperty("ingestKey", out _));
        Assert.Equal("#/components/schemas/RequestBatch", ingest.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("application/problem+json", ingest.GetProperty("responses").GetProperty("413").GetProperty("content").EnumerateObject().Single().Name);
        var schemes = openApi.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("x-metrics-key", schemes.GetProperty("ingestKey").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
    }

    /// <summary>
    /// The host refuses to load a function whose route template (the part after the route prefix) starts with
    /// <c>admin</c> or <c>runtime</c>, its own APIs. docs/api.md's <c>/api/admin/...</c> routes are kept by an empty
    /// route prefix and templates that start with <c>api/</c>.
    /// </summary>
    [Fact]
    public void No_function_route_starts_with_a_segment_the_Functions_host_reserves()
    {
        var routes = HttpTriggers().Select(trigger => trigger.Trigger.GetProperty("route").GetString()!.Trim('/')).ToList();

        Assert.NotEmpty(routes);
        Assert.DoesNotContain(routes, route => route.StartsWith("admin", StringComparison.OrdinalIgnoreCase)
            || route.StartsWith("runtime", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("api/admin/roster", routes);
    }

    [Fact]
    public async Task Unknown_function_is_404_and_admin_key_is_required()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Client.PostAsync("/admin/functions/Nothing", null)).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/Nothing");
        request.Headers.Authorization = new("Bearer", TestApp.AdminKey);
        var response = await _app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("urn:metrics-functions:problem:unknown-function", (await response.ReadJsonAsync()).GetProperty("type").GetString());
    }

    /// <summary>The build output the host runs: <c>functions.metadata</c>, generated by the worker SDK from the attributes.</summary>
    private static List<JsonElement> GeneratedMetadata() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(LocalFunctionsHost.DefaultAppDirectory, "functions.metadata"))).RootElement.EnumerateArray().ToList();

    private static IEnumerable<(string Name, JsonElement Trigger)> HttpTriggers() =>
        GeneratedMetadata().SelectMany(function => function.GetProperty("bindings").EnumerateArray()
            .Where(binding => binding.GetProperty("type").GetString() == "httpTrigger")
            .Select(binding => (function.GetProperty("name").GetString()!, binding)));

    private static string HostRoutePrefix() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(LocalFunctionsHost.DefaultAppDirectory, "host.json"))).RootElement
            .GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString()!.Trim('/');
}
