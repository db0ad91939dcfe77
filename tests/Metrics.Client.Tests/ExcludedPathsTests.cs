namespace Metrics.Client.Tests;

/// <summary>What a service's probes and own tooling send is not its traffic: the middleware leaves it out.</summary>
public sealed class ExcludedPathsTests
{
    [Fact]
    public async Task Probes_ping_and_configured_prefixes_are_not_recorded_and_everything_else_is()
    {
        await using var metrics = await ScriptedMetricsApp.StartAsync();
        // From configuration, as a service sets it in appsettings.json.
        var settings = new Dictionary<string, string?>
        {
            ["RequestMetrics:Service"] = "excluding-api",
            ["RequestMetrics:ExcludedPrefixes:0"] = "/internal/",
            ["RequestMetrics:ExcludedPrefixes:1"] = "/admin/system/",
        };
        string[] paths =
        [
            "/ping", "/ping/deep", "/health/live", "/metrics", "/internal/jobs/run", "/INTERNAL/cache", "/admin/system/flags",
            "/api/orders/42", "/pingdom", "/internals", "/admin/users", "/admin/system",
        ];

        await InstrumentedService.ServeAsync(metrics, settings, paths.Select(InstrumentedService.Get));

        var recorded = metrics.Events.Select(e => e.GetProperty("endpoint").GetString()).Order(StringComparer.Ordinal);
        // /admin/system without its slash does not start with the prefix /admin/system/: prefixes are text, not segments.
        Assert.Equal(["/admin/system", "/admin/users", "/api/orders/{id}", "/internals", "/pingdom"], recorded);
    }
}
