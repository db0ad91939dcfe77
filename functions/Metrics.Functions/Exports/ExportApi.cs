using Metrics.Core;
using Metrics.Core.Exports;
using Metrics.Functions.Exports;
using Metrics.Functions.Hosting;
using Metrics.Functions.Security;
using Metrics.Storage.Exports;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

// The root namespace, so the composition root (Hosting/MetricsApp) calls AddExports/MapExportApi without a using of its own.
namespace Metrics.Functions;

/// <summary>The export functions (API.md, "Exports"): ask for a CSV, follow its job, fetch it through a short-lived link.</summary>
public static class ExportApi
{
    public const int DefaultListed = 100;

    public static IServiceCollection AddExports(this IServiceCollection services)
    {
        services.AddOptions<ExportOptions>().BindConfiguration("Exports").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ExportBlobs>();
        services.AddSingleton<ExportStore>();
        services.AddSingleton<ExportQueue>();
        services.AddSingleton<ExportProduction>();
        services.AddHostedService<ExportRunner>();
        return services;
    }

    public static IEndpointRouteBuilder MapExportApi(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/api/exports").WithTags("Exports").RequireRoles(CallerRoles.Finance, CallerRoles.Admin);
        exports.MapPost("", CreateAsync).WithName("ExportsCreate").WithSummary("Ask for a CSV export; it is produced in the background")
            .Accepts<ExportRequestBody>("application/json");
        exports.MapGet("", ListAsync).WithName("ExportsList").WithSummary("Export jobs, newest first");
        exports.MapGet("/{id}", GetAsync).WithName("ExportsGet").WithSummary("One export's status, manifest and a fresh read-only download link");
        return app;
    }

    private static async Task<Results<Accepted<ExportAccepted>, ProblemHttpResult>> CreateAsync(HttpRequest request, Caller caller,
        ExportStore jobs, ExportQueue queue, TimeProvider time, IOptions<RetentionOptions> retention, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await ExportRequestBody.ReadAsync(request, cancellationToken);
        if (unreadable is not null) return unreadable;
        var now = time.GetUtcNow();
        var (query, error) = ExportPlan.Of(body!.ToRequest(), now, retention.Value);
        if (query is null) return Problems.Of(StatusCodes.Status400BadRequest, "invalid-export", "The export request is not valid", error!);

        var job = ExportJob.Queued(query, now, caller.Name);
        await jobs.CreateAsync(job, cancellationToken);
        queue.Enqueue(job.Id);
        return TypedResults.Accepted($"/api/exports/{job.Id}", new ExportAccepted(job.Id, job.Status));
    }

    /// <param name="top">Taken as text so that a malformed value is a 400 problem that says so, not a bare binding failure.</param>
    private static async Task<Results<Ok<ExportList>, ProblemHttpResult>> ListAsync(ExportStore jobs, string? top, CancellationToken cancellationToken)
    {
        var count = DefaultListed;
        if (!string.IsNullOrEmpty(top) && (!int.TryParse(top, System.Globalization.CultureInfo.InvariantCulture, out count) || count is < 1 or > ExportStore.MaxListed))
            return Problems.Of(StatusCodes.Status400BadRequest, "invalid-parameter", "'top' is not valid",
                $"'top' must be a whole number from 1 to {ExportStore.MaxListed}; got '{top}'.");
        var listed = await jobs.ListAsync(count, cancellationToken);
        return TypedResults.Ok(new ExportList(listed.Select(job => ExportDetails.Of(job)).ToList()));
    }

    private static async Task<Results<Ok<ExportDetails>, ProblemHttpResult>> GetAsync(string id, ExportStore jobs, ExportBlobs blobs,
        TimeProvider time, IOptions<ExportOptions> options, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(id, cancellationToken) is not { } job)
            return Problems.Of(StatusCodes.Status404NotFound, "export-not-found", "No such export",
                $"There is no export '{id}'. It may have been pruned: exports are kept {options.Value.KeepDays} days. GET /api/exports lists them.");
        if (job.Status != ExportStatus.Succeeded || job.Blob is null) return TypedResults.Ok(ExportDetails.Of(job));

        // Whole seconds: the link's expiry (se) has no finer resolution, and expiresAt should say exactly when it stops working.
        var now = time.GetUtcNow();
        var expiresAt = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero) + options.Value.LinkLifetime;
        var url = await blobs.ReadLinkAsync(job.Blob, expiresAt, ExportProduction.DownloadName(job), cancellationToken);
        return TypedResults.Ok(ExportDetails.Of(job, url, expiresAt));
    }
}
