using Metrics.Core.Ingestion;

namespace Metrics.Core.Rollups;

/// <summary>
/// The dimension tuples rollups are kept by. Each query reads one family, so the rows it reads grow with
/// hours and dimension values in its range, never with events. Spend is units × the model's price, so every
/// request cell keeps its units per model (<see cref="RequestCell.UnitsByModel"/>) and any grouping can be priced.
/// Model is in a family's keys only where an answer is split or filtered by it: the model breakdown (service family),
/// the finance export by org and model (org family) and the endpoint table kept to an org or model (org endpoint
/// family). Elsewhere it would multiply rows, and the users and durations that each row's sketches hold, by the
/// models in use, for nothing any answer shows.
/// </summary>
public static class Families
{
    /// <summary>Requests by (service, model): summaries, time series, per-service values, reliability.</summary>
    public const string Service = "S";
    /// <summary>Requests by (service, endpoint, method): the endpoint table and endpoint filters.</summary>
    public const string Endpoint = "E";
    /// <summary>
    /// Requests by (service, endpoint, method, org, model): the endpoint table and endpoint filters kept to an org or a
    /// model. Its own tables, read only by such queries, so the unfiltered endpoint table (every performance query)
    /// does not read rows multiplied by orgs and models.
    /// </summary>
    public const string OrgEndpoint = "OE";
    /// <summary>
    /// Requests by (service, country): the country breakdown and the countries value. Rows written from 2026-12-06 to 2026-12-07 hold
    /// the org as a third value (<see cref="DimensionCount"/> reads it): a country's rows then add up across orgs, as they should.
    /// </summary>
    public const string Country = "C";
    /// <summary>Requests by (service, country, org): the country breakdown and value kept to an org. Its own tables, read only
    /// under an org filter, so the unfiltered country rows are not multiplied by orgs.</summary>
    public const string OrgCountry = "OC";
    /// <summary>Requests by (service, model, org): the org breakdown and the finance export by org and model.</summary>
    public const string Org = "O";
    /// <summary>
    /// Requests by (service, user): the user and membership breakdowns. A user may belong to several orgs; here that costs no
    /// rows. Rows written from 2026-12-06 to 2026-12-07 hold the org as a third value (<see cref="DimensionCount"/> reads it):
    /// a user's rows then add up across orgs, as they should.
    /// </summary>
    public const string User = "U";
    /// <summary>Requests by (service, user, org): the user and membership breakdowns kept to an org (an org admin's view).
    /// Its own tables, read only under an org filter: a row per org a user works in.</summary>
    public const string OrgUser = "OU";

    /// <summary>Usage by (site, event type, anonymous?).</summary>
    public const string EventType = "T";
    /// <summary>Page views by (site, page, anonymous?).</summary>
    public const string Page = "P";
    /// <summary>Named events (the feature, button or form a beacon names) by (site, type, name, anonymous?).</summary>
    public const string Name = "N";
    /// <summary>
    /// Usage by (site, country, type, anonymous?): visitors and events by country, the country taken from a trusted front end's
    /// header (never from an address). The type is kept so the usage answer's event type filter applies to it as to the others.
    /// </summary>
    public const string UsageCountry = "UC";

    public static readonly string[] RequestFamilies = [Service, Endpoint, OrgEndpoint, Country, OrgCountry, Org, User, OrgUser];
    public static readonly string[] UsageFamilies = [EventType, Page, Name, UsageCountry];

    public static string[] Of(EventKind kind) => kind == EventKind.Requests ? RequestFamilies : UsageFamilies;

    /// <summary>How many dimension values a stored key of the family may hold (the user and country families' older rows hold one more).</summary>
    public static int DimensionCount(string family) => family switch
    {
        Service => 2,
        Endpoint or Org or Country or OrgCountry or User or OrgUser or EventType or Page => 3,
        Name => 4,
        UsageCountry => 4,
        OrgEndpoint => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown rollup family"),
    };

    /// <summary>The family's name in the product's words, for table names and logs.</summary>
    public static string NameOf(string family) => family switch
    {
        Service => "Service",
        Endpoint => "Endpoint",
        OrgEndpoint => "OrgEndpoint",
        Country => "Country",
        OrgCountry => "OrgCountry",
        Org => "Org",
        User => "User",
        OrgUser => "OrgUser",
        EventType => "EventType",
        Page => "Page",
        Name => "Name",
        UsageCountry => "UsageCountry",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown rollup family"),
    };

    /// <summary>The model of a key of a family that keeps it (<see cref="HasModel"/>).</summary>
    /// <exception cref="ArgumentException">The family keeps no model in its keys.</exception>
    public static string ModelOf(RollupKey key) => key.Family switch
    {
        Service or Org => key.Value(1),
        OrgEndpoint => key.Value(4),
        _ => throw new ArgumentException($"family {key.Family} keeps no model in its keys", nameof(key)),
    };

    /// <summary>Whether the family's keys hold the org (<see cref="OrgOf"/>), so its rows can be kept to one org's.</summary>
    public static bool HasOrg(string family) => family is Org or OrgCountry or OrgUser or OrgEndpoint;

    /// <summary>Whether the family's keys hold the model (<see cref="ModelOf"/>).</summary>
    public static bool HasModel(string family) => family is Service or Org or OrgEndpoint;

    /// <summary>The org of a key of a family that keeps it (<see cref="HasOrg"/>; "" for none).</summary>
    public static string OrgOf(RollupKey key) => key.Family switch
    {
        Org or OrgCountry or OrgUser => key.Value(2),
        OrgEndpoint => key.Value(3),
        _ => throw new ArgumentException($"family {key.Family} keeps no org in its keys", nameof(key)),
    };

    internal static IEnumerable<RollupKey> KeysOf(RequestEvent e)
    {
        yield return RollupKey.Of(Service, e.Service, e.Model);
        yield return RollupKey.Of(Endpoint, e.Service, e.Endpoint, e.Method);
        yield return RollupKey.Of(OrgEndpoint, e.Service, e.Endpoint, e.Method, e.OrgId, e.Model);
        yield return RollupKey.Of(Country, e.Service, e.Country);
        yield return RollupKey.Of(OrgCountry, e.Service, e.Country, e.OrgId);
        yield return RollupKey.Of(Org, e.Service, e.Model, e.OrgId);
        yield return RollupKey.Of(User, e.Service, e.UserId);
        yield return RollupKey.Of(OrgUser, e.Service, e.UserId, e.OrgId);
    }

    internal static IEnumerable<RollupKey> KeysOf(UsageEvent e)
    {
        var anonymous = e.IsAnonymous ? "anonymous" : "user";
        yield return RollupKey.Of(EventType, e.Site, e.Type, anonymous);
        if (e.Type == UsageEventTypes.PageView) yield return RollupKey.Of(Page, e.Site, e.Page, anonymous);
        // Unnamed events say nothing about which feature was used, and would only add rows.
        if (e.Name is { Length: > 0 }) yield return RollupKey.Of(Name, e.Site, e.Type, e.Name, anonymous);
        yield return RollupKey.Of(UsageCountry, e.Site, e.Country, e.Type, anonymous);
    }
}
