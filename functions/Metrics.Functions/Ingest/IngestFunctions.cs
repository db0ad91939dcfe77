using Metrics.Core.Ingestion;
using Metrics.Functions.Hosting;
using Metrics.Functions.Operations.OpenApi;
using Metrics.Functions.Security;
using Metrics.Rollups.Ingest;
using Metrics.Storage.Beacons;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Ingest;

/// <summary>
/// The ingestion functions (docs/api.md, "Ingestion"): a service's batch of request metrics, and browsers' usage
/// beacons. Each reads its batch's envelope and hands the events to the rollup engine (<see cref="IngestWriter"/>), whose
/// outcome it answers: a 202 means every accepted event is durably stored.
/// </summary>
public sealed class IngestFunctions(IngestKeys keys, BeaconSites sites, BeaconRateLimit rateLimit, VisitorSalts salts, IngestWriter writer,
    IngestInstruments counters, TimeProvider time, IOptions<IngestOptions> options)
{
    public const string KeyHeader = "x-metrics-key";

    [Function("IngestRequests")]
    [EndpointSummary("Store a service's batch of request metrics"), Tags("Ingestion"), IngestKeyRequired]
    [RequestBody(typeof(RequestBatch), "application/json"), ProblemResponses(400, 401, 413, 415, 503)]
    public async Task<Results<Accepted<IngestReceipt>, ProblemHttpResult>> IngestRequestsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/ingest/requests")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!keys.Accept(request.Headers[KeyHeader]))
            return Problems.Unauthorized($"Send a configured ingestion key in the {KeyHeader} header.");

        var (body, unreadable) = await BatchBody.ReadAsync(request, allowTextPlain: false, cancellationToken);
        if (unreadable is not null) return unreadable;
        using var _ = body!;
        var (service, events, invalid) = BatchEnvelope.Read(body!.Root, "service");
        if (invalid is not null) return invalid;

        var outcome = await writer.WriteRequestsAsync(window => IngestBatch<RequestEvent>.Read(events, new RequestEventReader(service, window).Read),
            time.GetUtcNow(), cancellationToken);
        var (receipt, problem) = Answer(EventKind.Requests, outcome, request.HttpContext.Response);
        return receipt is not null ? receipt : problem!;
    }

    /// <summary>
    /// Beacons, as JSON or as the text/plain that <c>navigator.sendBeacon</c> sends. The site key is public; the Origin
    /// allow-list is what guards it. The function answers its CORS preflight itself: the host forwards only the
    /// methods a trigger declares.
    /// </summary>
    [Function("IngestUsage")]
    [EndpointSummary("Store a browser's batch of usage beacons"), Tags("Ingestion")]
    [RequestBody(typeof(UsageBatch), "application/json", "text/plain"), ProblemResponses(400, 401, 403, 413, 415, 429, 503)]
    public async Task<Results<Accepted<IngestReceipt>, NoContent, ProblemHttpResult>> IngestUsageAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "api/ingest/usage")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (HttpMethods.IsOptions(request.Method)) return Preflight(request);
        // Every answer, refusals and 503s included, is readable by the page that sent it (no credentials are involved):
        // the tracker tells a refusal, which it drops, from a 429 or 503, which it sends again after Retry-After.
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0) BeaconSites.AllowOrigin(request.HttpContext.Response, origin);
        var client = ClientAddress.Of(request.HttpContext);
        if (!rateLimit.TryAcquire(client, out var retryAfter))
        {
            request.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Of(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many beacons from this client",
                $"This client sent more beacons than allowed in a minute. Retry after {retryAfter} seconds.");
        }

        // Anyone can send a beacon: no body is read for an Origin no site allows.
        if (!sites.AllowsAnySite(origin))
            return Problems.Forbidden($"Origin '{origin}' is not allowed to send beacons to any configured site. Add it to a site's Origins.");

        var (body, unreadable) = await BatchBody.ReadAsync(request, allowTextPlain: true, cancellationToken);
        if (unreadable is not null) return unreadable;
        using var _ = body!;
        var (site, events, invalid) = BatchEnvelope.Read(body!.Root, "site");
        if (invalid is not null) return invalid;
        if (!sites.Exists(site)) return Problems.Unauthorized($"'{site}' is not a configured site key.");
        if (!sites.Allows(site, origin))
            return Problems.Forbidden($"Origin '{origin}' is not allowed to send beacons for site '{site}'. Add it to the site's Origins.");

        var now = time.GetUtcNow();
        var userAgent = request.Headers.UserAgent.ToString();
        if (BotUserAgent.IsBot(userAgent))
        {
            counters.CountBots(events.GetArrayLength());
            return TypedResults.Accepted((string?)null,
                new IngestReceipt(IngestWriter.NewBatchId(now), 0, 0, [new Rejection(0, RejectionCode.Bot, "bot traffic is not counted")]));
        }

        var salt = await salts.ForDayAsync(DateOnly.FromDateTime(now.UtcDateTime), cancellationToken);
        var visitor = new BeaconClient(AnonymousVisitor.Id(salt, site, client, userAgent), Country(request, options.Value));
        var outcome = await writer.WriteUsageAsync(window => IngestBatch<UsageEvent>.Read(events, new UsageEventReader(site, window, visitor).Read),
            now, cancellationToken);
        var (receipt, problem) = Answer(EventKind.Usage, outcome, request.HttpContext.Response);
        return receipt is not null ? receipt : problem!;
    }

    /// <summary>The answer to a batch the engine took: a receipt, a problem naming every rejected event, or a 503 to send it again.</summary>
    private (Accepted<IngestReceipt>? Receipt, ProblemHttpResult? Problem) Answer(EventKind kind, WriteOutcome outcome, HttpResponse response)
    {
        counters.Count(kind, outcome);
        return outcome switch
        {
            WriteOutcome.Stored stored => (TypedResults.Accepted((string?)null,
                new IngestReceipt(stored.BatchId, stored.Accepted, stored.Duplicates, stored.Rejected)), null),
            WriteOutcome.NothingValid nothing => (null, Problems.Of(StatusCodes.Status400BadRequest, "no-valid-event", "No event in the batch is valid",
                $"All {nothing.Rejected.Count} events were rejected; the first because {nothing.Rejected[0].Reason}. See 'rejected' for each.",
                new Dictionary<string, object?> { ["rejected"] = nothing.Rejected })),
            WriteOutcome.HoursFinalisedMeanwhile finalised => (null, FinalisedMeanwhile(response, finalised)),
            _ => throw new InvalidOperationException($"Unknown write outcome {outcome.GetType().Name}."),
        };
    }

    /// <summary>A batch not acknowledged because the nightly run finalised some of its hours while it was stored: a 503, to send it again.</summary>
    internal static ProblemHttpResult FinalisedMeanwhile(HttpResponse response, WriteOutcome.HoursFinalisedMeanwhile finalised) =>
        Problems.RetryLater(response, FailureProblems.RetryAfterSeconds, "hours-being-finalised",
            "Hours of this batch were finalised while it was stored",
            $"{finalised.Events} events fall before {finalised.Boundary:O}: the nightly run began finalising those hours while this batch " +
            $"was being stored, and may not count them. Nothing of this batch is acknowledged. Send it again after {FailureProblems.RetryAfterSeconds} " +
            "seconds: those events will be rejected with a reason, and event ids make the retry safe for the others.");

    /// <summary>The CORS preflight of a JSON beacon: answered for any origin some site allows.</summary>
    private Results<Accepted<IngestReceipt>, NoContent, ProblemHttpResult> Preflight(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (!sites.AllowsAnySite(origin))
            return Problems.Forbidden($"Origin '{origin}' is not allowed to send beacons to any configured site.");
        var response = request.HttpContext.Response;
        BeaconSites.AllowOrigin(response, origin);
        response.Headers.AccessControlAllowMethods = "POST, OPTIONS";
        response.Headers.AccessControlAllowHeaders = "Content-Type";
        response.Headers.AccessControlMaxAge = "86400";
        return TypedResults.NoContent();
    }

    private static string? Country(HttpRequest request, IngestOptions options)
    {
        if (options.CountryHeader is not { Length: > 0 } header) return null;
        var value = request.Headers[header].ToString().Trim().ToUpperInvariant();
        return value.Length == 2 && value.All(char.IsAsciiLetterUpper) ? value : null;
    }
}
