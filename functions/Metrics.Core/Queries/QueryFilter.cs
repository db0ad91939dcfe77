using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary>
/// Which requests a query answers for: one service, endpoint, org or model, any of them, or all. Rollups keep the org
/// and the model only in some families' keys (<see cref="Families"/>), so a filter also decides which family a total
/// and the endpoint table come from: the cheapest whose keys hold every filtered value.
/// </summary>
public sealed record QueryFilter(string? Service = null, string? Endpoint = null, string? Org = null, string? Model = null)
{
    public static QueryFilter None { get; } = new();

    /// <summary>Whether the filter narrows by org or model, which the endpoint family cannot.</summary>
    public bool ByOrgOrModel => Org is not null || Model is not null;

    /// <summary>The family the endpoint table is read from: per org and model only when the filter needs it.</summary>
    public string EndpointFamily => ByOrgOrModel ? Families.OrgEndpoint : Families.Endpoint;

    /// <summary>The family users are broken down from: per org only when the filter needs it.</summary>
    public string UserFamily => Org is not null ? Families.OrgUser : Families.User;

    /// <summary>The family countries are broken down from: per org only when the filter needs it.</summary>
    public string CountryFamily => Org is not null ? Families.OrgCountry : Families.Country;

    /// <summary>The family totals (summary, series, values) are read from.</summary>
    public string TotalsFamily => Endpoint is not null ? EndpointFamily : Org is not null ? Families.Org : Families.Service;

    /// <summary>Why <paramref name="family"/>'s rows cannot be kept to this filter, or null when they can.</summary>
    public string? Unsupported(string family) =>
        Endpoint is not null && family is not (Families.Endpoint or Families.OrgEndpoint) ? "an endpoint filter applies to the summary and the endpoint table only"
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
