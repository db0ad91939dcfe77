using Metrics.Core;
using Metrics.Core.Ingestion;
using Metrics.Functions.Hosting;
using Metrics.Functions.Operations.OpenApi;
using Metrics.Storage.Raw;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Ingest;

/// <summary>
/// The ingestion functions (docs/api.md, "Ingestion"): a service's batch of request metrics, and browsers' usage
/// beacons. A 202 means every accepted event is durably stored.
/// </summary>
public sealed class IngestFunctions(IngestKeys keys, BeaconSites sites, BeaconRateLimit rateLimit, VisitorSalts salts, BatchAcceptance acceptance,
    ServiceEndpoints endpoints, RawEventStore store, IngestInstruments counters, TimeProvider time, IOptions<IngestOptions> options)
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

        var now = time.GetUtcNow();
        var batch = await acceptance.ReadAsync<RequestEvent>(EventKinds.Requests, events, now,
            window => new RequestEventReader(service, window).Read, cancellationToken);
        if (batch.Accepted.Count == 0) return NoValidEvent(EventKinds.Requests, batch.Rejected);

        var batchId = Guid.CreateVersion7(now).ToString("N");
        var limited = await endpoints.LimitAsync(batch.Accepted, cancellationToken);
        await store.WriteAsync(limited.Events, batchId, now, cancellationToken);
        counters.Count(EventKinds.Requests, batch);
        counters.CountOverflow(limited.Folded);
        return TypedResults.Accepted((string?)null, new IngestReceipt(batchId, batch.Accepted.Count, batch.Duplicates, batch.Rejected));
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
        var batchId = Guid.CreateVersion7(now).ToString("N");
        var userAgent = request.Headers.UserAgent.ToString();
        if (BotUserAgent.IsBot(userAgent))
        {
            counters.CountBots(events.GetArrayLength());
            return TypedResults.Accepted((string?)null, new IngestReceipt(batchId, 0, 0, [new Rejection(0, "bot traffic is not counted")]));
        }

        var salt = await salts.ForDayAsync(DateOnly.FromDateTime(now.UtcDateTime), cancellationToken);
        var visitor = new BeaconClient(AnonymousVisitor.Id(salt, site, client, userAgent), Country(request, options.Value));
        var batch = await acceptance.ReadAsync<UsageEvent>(EventKinds.Usage, events, now,
            window => new UsageEventReader(site, window, visitor).Read, cancellationToken);
        if (batch.Accepted.Count == 0) return NoValidEvent(EventKinds.Usage, batch.Rejected);

        await store.WriteAsync(batch.Accepted, batchId, now, cancellationToken);
        counters.Count(EventKinds.Usage, batch);
        return TypedResults.Accepted((string?)null, new IngestReceipt(batchId, batch.Accepted.Count, batch.Duplicates, batch.Rejected));
    }

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

    private ProblemHttpResult NoValidEvent(string kind, IReadOnlyList<Rejection> rejected)
    {
        counters.CountRefused(kind, rejected);
        return Problems.Of(StatusCodes.Status400BadRequest, "no-valid-event", "No event in the batch is valid",
            $"All {rejected.Count} events were rejected; the first because {rejected[0].Reason}. See 'rejected' for each.",
            new Dictionary<string, object?> { ["rejected"] = rejected });
    }

    private static string? Country(HttpRequest request, IngestOptions options)
    {
        if (options.CountryHeader is not { Length: > 0 } header) return null;
        var value = request.Headers[header].ToString().Trim().ToUpperInvariant();
        return value.Length == 2 && value.All(char.IsAsciiLetterUpper) ? value : null;
    }
}

/// <summary>The ingestion keys of <c>Ingest:Keys</c>.</summary>
public sealed class IngestKeys(IOptions<IngestOptions> options)
{
    private readonly Core.Security.ApiKeys _keys = new(options.Value.Keys);

    public bool Accept(string? presented) => _keys.Accepts(presented);
}
