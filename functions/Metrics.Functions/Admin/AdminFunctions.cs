using Metrics.Functions.Operations.OpenApi;
using Metrics.Functions.Security;
using Metrics.Storage.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Admin;

public sealed record RosterMembers(IReadOnlyList<string> Members);

public sealed record RosterSize(int Members);

public sealed record PriceListBody(IReadOnlyList<Core.Pricing.ModelPrice> Prices);

/// <summary>
/// The admin functions (docs/api.md, "Queries"): the roster of members and the unit prices behind <c>spend</c>. Their
/// routes start with <c>api/</c> under an empty route prefix: the host refuses templates that start with <c>admin</c>.
/// </summary>
[RequiresRole(CallerRoles.Admin)]
public sealed class AdminFunctions(RosterStore roster, PriceStore prices)
{
    private static readonly string[] RosterTypes = ["application/json", "text/csv", "text/plain"];
    private static readonly string[] PriceTypes = ["application/json"];

    [Function("GetRoster")]
    [EndpointSummary("The user ids that count as members"), Tags("Administration"), ProblemResponses(503)]
    public async Task<Ok<RosterMembers>> GetRosterAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/roster")] HttpRequest request, CancellationToken cancellationToken)
    {
        var members = await roster.GetMembersAsync(cancellationToken);
        return TypedResults.Ok(new RosterMembers(members.Order(StringComparer.Ordinal).ToList()));
    }

    [Function("ReplaceRoster")]
    [EndpointSummary("Replace the whole roster (CSV or JSON list of user ids)"), Tags("Administration")]
    [RequestBody(typeof(string[]), "application/json", "text/csv", "text/plain"), ProblemResponses(400, 413, 415, 503)]
    public async Task<Results<Ok<RosterSize>, ProblemHttpResult>> ReplaceRosterAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/admin/roster")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await AdminBody.ReadAsync(request, RosterTypes, cancellationToken);
        if (unreadable is not null) return unreadable;
        // Without a type, a body that opens like JSON is JSON.
        var mediaType = AdminBody.MediaType(request);
        var isCsv = mediaType is "text/csv" or "text/plain" || (mediaType.Length == 0 && !AdminBody.LooksLikeJson(body!));

        var (members, invalid) = RosterUpload.Read(body!, isCsv);
        if (invalid is not null) return invalid;
        await roster.ReplaceAsync(members!, cancellationToken);
        return TypedResults.Ok(new RosterSize(members!.Count));
    }

    [Function("GetPrices")]
    [EndpointSummary("The unit price of each model"), Tags("Administration"), ProblemResponses(503)]
    public async Task<Ok<PriceListBody>> GetPricesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/prices")] HttpRequest request, CancellationToken cancellationToken) =>
        TypedResults.Ok(new PriceListBody((await prices.GetAsync(cancellationToken)).Prices));

    [Function("ReplacePrices")]
    [EndpointSummary("Replace the whole price list"), Tags("Administration")]
    [RequestBody(typeof(Dictionary<string, decimal>), "application/json"), ProblemResponses(400, 413, 415, 503)]
    public async Task<Results<Ok<PriceListBody>, ProblemHttpResult>> ReplacePricesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/admin/prices")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await AdminBody.ReadAsync(request, PriceTypes, cancellationToken);
        if (unreadable is not null) return unreadable;

        var (list, invalid) = PriceUpload.Read(body!);
        if (invalid is not null) return invalid;
        await prices.ReplaceAsync(list!, cancellationToken);
        return TypedResults.Ok(new PriceListBody(list!.Prices));
    }
}
