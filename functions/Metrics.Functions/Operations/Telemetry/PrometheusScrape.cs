using Microsoft.AspNetCore.Builder;

namespace Metrics.Functions.Operations.Telemetry;

/// <summary>
/// OpenTelemetry's Prometheus exporter, answering from inside the <c>OpsMetrics</c> function. The exporter comes as
/// ASP.NET Core middleware, but the worker's ASP.NET Core pipeline is fixed and middleware there that answers by itself
/// leaves the host's invocation waiting (docs/architecture.md): so the exporter's middleware is built into a pipeline of
/// its own, once, and the function's result runs it on the function's request. Authorization, refreshing the state the
/// gauges read, and leaving the scrape out of the request metrics happen before it, in the function and the middleware.
/// </summary>
public sealed class PrometheusScrape
{
    /// <summary>The classic text format the exporter answers unless the scraper asks for OpenMetrics.</summary>
    public const string ContentType = "text/plain; version=0.0.4";

    private readonly Lazy<RequestDelegate> _exporter;

    public PrometheusScrape(IServiceProvider services) => _exporter = new(() =>
    {
        var pipeline = new ApplicationBuilder(services);
        pipeline.UseOpenTelemetryPrometheusScrapingEndpoint(_ => true);
        return pipeline.Build();
    });

    public IResult Answer() => new Result(_exporter.Value);

    private sealed class Result(RequestDelegate exporter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => exporter(httpContext);
    }
}
