using Metrics.Functions.Security;
using Metrics.Storage.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Admin;

public sealed record RosterMembers(IReadOnlyList<string> Members);

public sealed record RosterSize(int Members);

public sealed record PriceListBody(IReadOnlyList<Core.Pricing.ModelPrice> Prices);

/// <summary>The admin functions (API.md, "Queries"): the roster of members and the unit prices behind <c>spend</c>.</summary>
public static class AdminApi
{
    public static IServiceCollection AddAdminStores(this IServiceCollection services) =>
        services.AddSingleton<RosterStore>().AddSingleton<PriceStore>();

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Administration").RequireRoles(CallerRoles.Admin);
        admin.MapGet("/roster", GetRosterAsync).WithName("GetRoster").WithSummary("The user ids that count as members");
        admin.MapPut("/roster", ReplaceRosterAsync).WithName("ReplaceRoster").WithSummary("Replace the whole roster (CSV or JSON list of user ids)")
            .Accepts<string[]>("application/json", "text/csv", "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        admin.MapGet("/prices", GetPricesAsync).WithName("GetPrices").WithSummary("The unit price of each model");
        admin.MapPut("/prices", ReplacePricesAsync).WithName("ReplacePrices").WithSummary("Replace the whole price list")
            .Accepts<Dictionary<string, decimal>>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static async Task<Ok<RosterMembers>> GetRosterAsync(RosterStore roster, CancellationToken cancellationToken)
    {
        var members = await roster.GetMembersAsync(cancellationToken);
        return TypedResults.Ok(new RosterMembers(members.Order(StringComparer.Ordinal).ToList()));
    }

    private static async Task<Results<Ok<RosterSize>, ProblemHttpResult>> ReplaceRosterAsync(HttpRequest request, RosterStore roster, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await AdminBody.ReadAsync(request, cancellationToken);
        if (unreadable is not null) return unreadable;
        // Routing has answered 415 to types not in Accepts. Without a type, a body that opens like JSON is JSON.
        var mediaType = AdminBody.MediaType(request);
        var isCsv = mediaType is "text/csv" or "text/plain" || (mediaType.Length == 0 && !AdminBody.LooksLikeJson(body!));

        var (members, invalid) = RosterUpload.Read(body!, isCsv);
        if (invalid is not null) return invalid;
        await roster.ReplaceAsync(members!, cancellationToken);
        return TypedResults.Ok(new RosterSize(members!.Count));
    }

    private static async Task<Ok<PriceListBody>> GetPricesAsync(PriceStore prices, CancellationToken cancellationToken) =>
        TypedResults.Ok(new PriceListBody((await prices.GetAsync(cancellationToken)).Prices));

    private static async Task<Results<Ok<PriceListBody>, ProblemHttpResult>> ReplacePricesAsync(HttpRequest request, PriceStore prices, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await AdminBody.ReadAsync(request, cancellationToken);
        if (unreadable is not null) return unreadable;

        var (list, invalid) = PriceUpload.Read(body!);
        if (invalid is not null) return invalid;
        await prices.ReplaceAsync(list!, cancellationToken);
        return TypedResults.Ok(new PriceListBody(list!.Prices));
    }
}
