using System.Net;
using System.Text.Json;
using Metrics.Functions.Tests.Ingest;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class HostingTests(SharedAzurite azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Root_answers_the_hosts_readiness_probe()
    {
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Health_reports_reachable_storage()
    {
        var response = await _app.Client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("reachable", (await response.ReadJsonAsync()).GetProperty("storage").GetString());
    }

    /// <summary>Under the Functions host only routes with a function.json are forwarded, so each must have one.</summary>
    [Fact]
    public async Task Every_http_function_json_names_a_route_the_handler_serves_and_the_reverse()
    {
        var openApi = JsonDocument.Parse(await _app.Client.GetStringAsync("/api/openapi.json")).RootElement;
        var served = openApi.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .ToHashSet();
        var prefix = HostRoutePrefix();
        var declared = HttpTriggers()
            .SelectMany(trigger => trigger.GetProperty("methods").EnumerateArray()
                .Select(m => $"{m.GetString()!.ToUpperInvariant()} /{string.Join('/', new[] { prefix, trigger.GetProperty("route").GetString() }.Where(p => p!.Length > 0))}"))
            .Where(route => !route.StartsWith("OPTIONS", StringComparison.Ordinal) && !route.EndsWith("/openapi.json", StringComparison.Ordinal))
            .ToHashSet();

        Assert.Subset(served, declared);
        Assert.Subset(declared, served.Where(route => route.Contains(" /api/", StringComparison.Ordinal)).ToHashSet());
    }

    /// <summary>
    /// The host refuses to load a function whose route template (the part after the route prefix) starts with
    /// <c>admin</c> or <c>runtime</c>, its own APIs. API.md's <c>/api/admin/...</c> routes are kept by an empty
    /// route prefix and templates that start with <c>api/</c>.
    /// </summary>
    [Fact]
    public void No_function_route_starts_with_a_segment_the_Functions_host_reserves()
    {
        var routes = HttpTriggers().Select(trigger => trigger.GetProperty("route").GetString()!.Trim('/')).ToList();

        Assert.NotEmpty(routes);
        Assert.DoesNotContain(routes, route => route.StartsWith("admin", StringComparison.OrdinalIgnoreCase)
            || route.StartsWith("runtime", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("api/admin/roster", routes);
    }

    private static IEnumerable<JsonElement> HttpTriggers() =>
        Directory.GetFiles(AppContext.BaseDirectory, "function.json", SearchOption.AllDirectories)
            .Select(file => JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("bindings")[0].Clone())
            .Where(trigger => trigger.GetProperty("type").GetString() == "httpTrigger");

    private static string HostRoutePrefix() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json"))).RootElement
            .GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString()!.Trim('/');

    [Fact]
    public async Task Unknown_timer_function_is_404_and_admin_key_is_required()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Client.PostAsync("/admin/functions/Nothing", null)).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/Nothing");
        request.Headers.Authorization = new("Bearer", TestApp.AdminKey);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.SendAsync(request)).StatusCode);
    }
}
