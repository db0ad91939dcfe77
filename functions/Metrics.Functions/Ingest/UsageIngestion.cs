using Metrics.Core;
using Metrics.Core.Ingestion;
using Metrics.Functions.Hosting;
using Metrics.Storage.Raw;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Ingest;

/// <summary>
/// <c>POST /api/ingest/usage</c>: beacons from browsers, as JSON or as the text/plain that
/// <c>navigator.sendBeacon</c> sends. The site key is public; the Origin allow-list is what guards it.
/// </summary>
internal static class UsageIngestion
{
    public static async Task<Results<Accepted<IngestReceipt>, ProblemHttpResult>> HandleAsync(
        HttpContext context, BeaconSites sites, VisitorSalts salts, BatchAcceptance acceptance, RawEventStore store,
        IngestCounters counters, TimeProvider time, IOptions<IngestOptions> options, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var (body, unreadable) = await BatchBody.ReadAsync(request, allowTextPlain: true, cancellationToken);
        if (unreadable is not null) return unreadable;
        using var _ = body!;
        var (site, events, invalid) = BatchEnvelope.Read(body!.Root, "site");
        if (invalid is not null) return invalid;
        if (!sites.Exists(site)) return Problems.Unauthorized($"'{site}' is not a configured site key.");
        var origin = request.Headers.Origin.ToString();
        if (!sites.Allows(site, origin))
            return Problems.Forbidden($"Origin '{origin}' is not allowed to send beacons for site '{site}'. Add it to the site's Origins.");
        BeaconSites.AllowOrigin(context.Response, origin);

        var now = time.GetUtcNow();
        var batchId = Guid.CreateVersion7(now).ToString("N");
        var userAgent = request.Headers.UserAgent.ToString();
        if (BotUserAgent.IsBot(userAgent))
        {
            counters.CountBots(events.GetArrayLength());
            return TypedResults.Accepted((string?)null, new IngestReceipt(batchId, 0, 0, [new Rejection(0, "bot traffic is not counted")]));
        }

        var salt = await salts.ForDayAsync(DateOnly.FromDateTime(now.UtcDateTime), cancellationToken);
        var client = new BeaconClient(AnonymousVisitor.Id(salt, site, ClientAddress.Of(context), userAgent), Country(request, options.Value));
        var batch = await acceptance.ReadAsync<UsageEvent>(EventKinds.Usage, events, now,
            window => new UsageEventReader(site, window, client).Read, cancellationToken);
        if (batch.Accepted.Count == 0) return RequestIngestion.NoValidEvent(batch.Rejected);

        await store.WriteAsync(batch.Accepted, batchId, now, cancellationToken);
        counters.Count(EventKinds.Usage, batch);
        return TypedResults.Accepted((string?)null, new IngestReceipt(batchId, batch.Accepted.Count, batch.Duplicates, batch.Rejected));
    }

    /// <summary><c>OPTIONS /api/ingest/usage</c>: the CORS preflight of a JSON beacon.</summary>
    public static IResult Preflight(HttpContext context, BeaconSites sites)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (!sites.AllowsAnySite(origin))
            return Problems.Forbidden($"Origin '{origin}' is not allowed to send beacons to any configured site.");
        var headers = context.Response.Headers;
        BeaconSites.AllowOrigin(context.Response, origin);
        headers.AccessControlAllowMethods = "POST, OPTIONS";
        headers.AccessControlAllowHeaders = "Content-Type";
        headers.AccessControlMaxAge = "86400";
        return TypedResults.NoContent();
    }

    private static string? Country(HttpRequest request, IngestOptions options)
    {
        if (options.CountryHeader is not { Length: > 0 } header) return null;
        var value = request.Headers[header].ToString().Trim().ToUpperInvariant();
        return value.Length == 2 && value.All(char.IsAsciiLetterUpper) ? value : null;
    }
}
