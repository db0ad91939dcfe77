using System.Globalization;
using Metrics.Functions.Hosting;
using Metrics.Functions.Ingest;
using Metrics.Storage;

namespace Metrics.Functions.Operations;

/// <summary>Health and self-metrics (API.md, "Operations").</summary>
public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        // The Functions host polls GET / until the handler answers anything.
        app.MapGet("/", () => TypedResults.Ok("Metrics.Functions")).ExcludeFromDescription();

        var ops = app.MapGroup("/api").WithTags("Operations");
        ops.MapGet("/health", async (StorageAccount storage, HttpResponse response, CancellationToken cancellationToken) =>
        {
            try
            {
                await storage.PingAsync(cancellationToken);
                return Results.Ok(new { status = "healthy", storage = "reachable" });
            }
            catch (Exception e) when (StorageFault.IsUnavailable(e))
            {
                response.Headers.RetryAfter = StorageOutageHandler.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return Results.Json(new { status = "unhealthy", storage = "unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).WithName("Health").WithSummary("Whether the handler can reach storage");

        ops.MapGet("/ops/metrics", (IngestCounters ingest, FunctionLatency functions, StorageAccount storage, Timers.TimerRunner timers) =>
                TypedResults.Text(PrometheusText.Render(ingest, functions, storage.Calls, timers), "text/plain; version=0.0.4"))
            .WithName("OpsMetrics").WithSummary("Self-metrics in Prometheus text format");
        return app;
    }
}
