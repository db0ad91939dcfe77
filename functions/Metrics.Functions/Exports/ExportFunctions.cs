using Metrics.Core;
using Metrics.Core.Exports;
using Metrics.Core.Retention;
using Metrics.Functions.Hosting;
using Metrics.Functions.Operations.OpenApi;
using Metrics.Functions.Security;
using Metrics.Storage.Exports;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Exports;

/// <summary>
/// The export functions (docs/api.md, "Exports"): ask for a CSV, follow its job, fetch it through a short-lived link. An
/// org admin may ask for breakdowns of their own org and sees only those exports; another org's is a 404, as if absent.
/// </summary>
[RequiresRole(CallerRoles.Finance, CallerRoles.Admin, CallerRoles.OrgAdmin)]
public sealed class ExportFunctions(ExportStore jobs, ExportBlobs blobs, ExportQueue queue, TimeProvider time, IOptions<RetentionOptions> retention,
    IOptions<ExportOptions> options)
{
    public const int DefaultListed = 100;

    [Function("ExportsCreate")]
    [EndpointSummary("Ask for a CSV export; it is produced in the background"), Tags("Exports")]
    [RequestBody(typeof(ExportRequestBody), "application/json"), ProblemResponses(400, 415, 503)]
    public async Task<Results<Accepted<ExportAccepted>, ProblemHttpResult>> CreateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/exports")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await ExportRequestBody.ReadAsync(request, cancellationToken);
        if (unreadable is not null) return unreadable;
        var asked = body!.ToRequest();
        if (Caller.Of(request.HttpContext).RestrictedToOrg is { } own)
        {
            if (asked.Kind != ExportKinds.Breakdown)
                return Problems.Forbidden($"This key may ask for breakdown exports of the organisation '{own}' only; '{asked.Kind}' exports are for finance and admins.");
            if (asked.Org is { Length: > 0 } other && other != own)
                return Problems.Forbidden($"This key reads the organisation '{own}' only; it may not export '{other}'. Leave out 'org', or ask for '{own}'.");
            asked = asked with { Org = own };
        }
        var now = time.GetUtcNow();
        var (query, error) = ExportPlan.Of(asked, now, retention.Value);
        if (query is null) return Problems.Of(StatusCodes.Status400BadRequest, "invalid-export", "The export request is not valid", error!);

        var job = ExportJob.Queued(query, now, Caller.Of(request.HttpContext).Name);
        await jobs.CreateAsync(job, cancellationToken);
        queue.Enqueue(job.Id);
        return TypedResults.Accepted($"/api/exports/{job.Id}", new ExportAccepted(job.Id, job.Status));
    }

    [Function("ExportsList")]
    [EndpointSummary("Export jobs, newest first"), Tags("Exports"), ProblemResponses(400, 503)]
    [QueryParameter("top", "How many to list, 1 to 1000; default 100.")]
    public async Task<Results<Ok<ExportList>, ProblemHttpResult>> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/exports")] HttpRequest request, CancellationToken cancellationToken)
    {
        var count = DefaultListed;
        var top = request.Query["top"].ToString();
        if (top.Length > 0 && (!int.TryParse(top, System.Globalization.CultureInfo.InvariantCulture, out count) || count is < 1 or > ExportStore.MaxListed))
            return Problems.Of(StatusCodes.Status400BadRequest, "invalid-parameter", "'top' is not valid",
                $"'top' must be a whole number from 1 to {ExportStore.MaxListed}; got '{top}'.");
        var listed = await jobs.ListAsync(count, Caller.Of(request.HttpContext).RestrictedToOrg, cancellationToken);
        return TypedResults.Ok(new ExportList(listed.Select(job => ExportDetails.Of(job)).ToList()));
    }

    [Function("ExportsGet")]
    [EndpointSummary("One export's status, manifest and a fresh read-only download link"), Tags("Exports"), ProblemResponses(404, 503)]
    public async Task<Results<Ok<ExportDetails>, ProblemHttpResult>> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/exports/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var own = Caller.Of(request.HttpContext).RestrictedToOrg;
        if (await jobs.GetAsync(id, cancellationToken) is not { } job || (own is not null && job.Query.Org != own))
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
