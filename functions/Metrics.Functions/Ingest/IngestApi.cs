namespace Metrics.Functions.Ingest;

/// <summary>The ingestion functions (API.md, "Ingestion").</summary>
public static class IngestApi
{
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        var ingest = app.MapGroup("/api/ingest").WithTags("Ingestion");
        ingest.MapPost("/requests", RequestIngestion.HandleAsync)
            .WithName("IngestRequests").WithSummary("Store a service's batch of request metrics")
            .Accepts<object>("application/json").ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        ingest.MapPost("/usage", UsageIngestion.HandleAsync)
            .WithName("IngestUsage").WithSummary("Store a browser's batch of usage beacons")
            .Accepts<object>("application/json", "text/plain").RequireRateLimiting(BeaconRateLimit.Policy)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        ingest.MapMethods("/usage", ["OPTIONS"], UsageIngestion.Preflight).WithName("IngestUsagePreflight").ExcludeFromDescription();
        return app;
    }
}
