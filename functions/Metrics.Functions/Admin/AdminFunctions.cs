using System.Globalization;
using Metrics.Core.Pricing;
using Metrics.Functions.Hosting;
using Metrics.Functions.Operations.OpenApi;
using Metrics.Functions.Security;
using Metrics.Storage.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Admin;

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
    [EndpointSummary("Every price of every model, with the day each came into force"), Tags("Administration"), ProblemResponses(503)]
    public async Task<Ok<PriceListBody>> GetPricesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/prices")] HttpRequest request, CancellationToken cancellationToken) =>
        TypedResults.Ok(new PriceListBody((await prices.GetAsync(cancellationToken)).Prices));

    [Function("SetPrices")]
    [EndpointSummary("Set prices from a day (or since always); the rest of the history stays"), Tags("Administration")]
    [RequestBody(typeof(ModelPrice[]), "application/json"), ProblemResponses(400, 413, 415, 503)]
    public async Task<Results<Ok<PriceListBody>, ProblemHttpResult>> SetPricesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/admin/prices")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await AdminBody.ReadAsync(request, PriceTypes, cancellationToken);
        if (unreadable is not null) return unreadable;

        var (changes, invalid) = PriceUpload.Read(body!);
        if (invalid is not null) return invalid;
        await prices.SetAsync(changes!, cancellationToken);
        return TypedResults.Ok(new PriceListBody((await prices.GetAsync(cancellationToken)).Prices));
    }

    [Function("RemovePrice")]
    [EndpointSummary("Remove one price of a model: the one from effectiveFrom, or without it the one since always"), Tags("Administration")]
    [QueryParameter("model", "The model.")]
    [QueryParameter("effectiveFrom", "The day the price came into force, yyyy-MM-dd; absent for the price since always.")]
    [ProblemResponses(400, 404, 503)]
    public async Task<Results<Ok<PriceListBody>, ProblemHttpResult>> RemovePriceAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/admin/prices")] HttpRequest request, CancellationToken cancellationToken)
    {
        var model = request.Query["model"].ToString();
        var day = request.Query["effectiveFrom"].ToString();
        if (model.Length == 0) return AdminBody.Invalid("invalid-price", "Which price?", "Name the price to remove: ?model=<model>&effectiveFrom=yyyy-MM-dd (leave out effectiveFrom for the price since always).");
        DateOnly? from = null;
        if (day.Length > 0)
        {
            if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                return AdminBody.Invalid("invalid-price", "effectiveFrom is not a day", $"effectiveFrom must be written yyyy-MM-dd; got '{day}'.");
            from = parsed;
        }
        if (!await prices.RemoveAsync(model, from, cancellationToken))
            return Problems.Of(StatusCodes.Status404NotFound, "unknown-price", "No such price",
                $"'{model}' has no price {(from is null ? "since always" : $"from {day}")}; GET /api/admin/prices lists them.");
        return TypedResults.Ok(new PriceListBody((await prices.GetAsync(cancellationToken)).Prices));
    }
}
