using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary>
/// Which requests a query answers for: one service, endpoint, org or model, any of them, or all. Rollups keep the org
/// and the model only in some families' keys (<see cref="Families"/>), so a filter also decides which family a total
/// can come from, and which answers cannot be split by it (the endpoint table is kept per endpoint, not per org or model:
/// org × endpoint would multiply the rows every performance query reads).
/// </summary>
public sealed record QueryFilter(string? Service = null, string? Endpoint = null, string? Org = null, string? Model = null)
{
    public static QueryFilter None { get; } = new();

    /// <summary>Whether the filter narrows by org or model, which the endpoint family cannot.</summary>
    public bool ByOrgOrModel => Org is not null || Model is not null;

    /// <summary>The family totals (summary, series, values) are read from: the cheapest whose keys hold every filtered value.</summary>
    public string TotalsFamily => Endpoint is not null ? Families.Endpoint : Org is not null ? Families.Org : Families.Service;

    /// <summary>Why <paramref name="family"/>'s rows cannot be kept to this filter, or null when they can.</summary>
    public string? Unsupported(string family) =>
        Endpoint is not null && family != Families.Endpoint ? "an endpoint filter applies to the summary and the endpoint table only"
        : Endpoint is not null && ByOrgOrModel ? "requests are kept per endpoint, not per endpoint and org or model: filter by endpoint, or by org and model"
        : Org is not null && !Families.HasOrg(family) ? $"{Families.NameOf(family).ToLowerInvariant()} rows are not kept per org"
        : Model is not null && !Families.HasModel(family) ? $"{Families.NameOf(family).ToLowerInvariant()} rows are not kept per model"
        : null;

    /// <summary>Whether a slice's key is one this filter keeps (its family must pass <see cref="Unsupported"/>).</summary>
    public bool Includes(RollupKey key) =>
        (Service is null || key.Value(0) == Service)
        && (Endpoint is null || key.Value(1) == Endpoint)
        && (Org is null || Families.OrgOf(key) == Org)
        && (Model is null || Families.ModelOf(key) == Model);
}
