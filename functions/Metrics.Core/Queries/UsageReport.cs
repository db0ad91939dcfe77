using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary><c>GET /api/metrics/usage</c>: events, visitors, event types, pages, named events and countries.</summary>
public sealed record UsageReport(UsageSummary Summary, IReadOnlyList<EventTypeCount> EventTypes, IReadOnlyList<PageViews> Pages,
    IReadOnlyList<NamedEvents> Names, IReadOnlyList<CountryUsage> Countries)
{
    /// <summary>
    /// Events the summary counts and the country table does not: none, unless the range holds hours rolled up before usage was kept
    /// by country (2026-12-08). Only with <c>countrySlices</c> read.
    /// </summary>
    public long EventsWithoutCountry => Math.Max(0, Summary.Events - Countries.Sum(c => c.Events));

    /// <summary>Events of the country table that came without a country (its <see cref="BreakdownReport.None"/> row).</summary>
    public long EventsOfNoCountry => Countries.FirstOrDefault(c => c.Country == BreakdownReport.None)?.Events ?? 0;

    public const string Anonymous = "anonymous";

    /// <summary>What the usage source says of the country table: events without a country, and events it does not hold; null when nothing.</summary>
    public string? CountryNote() => RequestNotes.Join(
        EventsOfNoCountry == 0 ? null : $"{EventsOfNoCountry:N0} events came without a country; they are the row {BreakdownReport.None}. " +
            "Countries come from the header a trusted front end sets (Ingest__CountryHeader).",
        EventsWithoutCountry == 0 ? null : $"{EventsWithoutCountry:N0} of these events are in the summary but not in the countries: they were rolled up " +
            "before usage was kept by country.");

    /// <param name="typeSlices">Slices of <see cref="Families.EventType"/>: (site, type, anonymous|user).</param>
    /// <param name="pageSlices">Slices of <see cref="Families.Page"/>: (site, page, anonymous|user).</param>
    /// <param name="nameSlices">Slices of <see cref="Families.Name"/>: (site, type, name, anonymous|user).</param>
    /// <param name="countrySlices">Slices of <see cref="Families.UsageCountry"/>: (site, country, type, anonymous|user); none when the
    /// answer shows no countries.</param>
    public static UsageReport Build(IEnumerable<RollupSlice<UsageCell>> typeSlices, IEnumerable<RollupSlice<UsageCell>> pageSlices,
        IEnumerable<RollupSlice<UsageCell>> nameSlices, string? eventType, bool includeAnonymous, IEnumerable<RollupSlice<UsageCell>>? countrySlices = null)
    {
        // The anonymous|user mark is the key's last value in every usage family.
        bool Included(RollupSlice<UsageCell> s) => includeAnonymous || s.Key.Values[^1] != Anonymous;
        var types = typeSlices.Where(s => Included(s) && (eventType is null || s.Key.Value(1) == eventType)).ToList();
        var total = Slices.Total(types);
        var eventTypes = Slices.Merge(types, s => s.Key.Value(1))
            .Select(t => new EventTypeCount(t.Key, t.Value.Events))
            .OrderByDescending(t => t.Count).ThenBy(t => t.Type, StringComparer.Ordinal).ToList();
        var pages = eventType is null or UsageEventTypes.PageView
            ? Slices.Merge(pageSlices.Where(Included), s => s.Key.Value(1))
                .Select(p => new PageViews(p.Key, p.Value.Events, p.Value.Visitors.Estimate()))
                .OrderByDescending(p => p.Views).ThenBy(p => p.Page, StringComparer.Ordinal).ToList()
            : [];
        var names = Slices.Merge(nameSlices.Where(s => Included(s) && (eventType is null || s.Key.Value(1) == eventType)),
                s => (Type: s.Key.Value(1), Name: s.Key.Value(2)))
            .Select(n => new NamedEvents(n.Key.Type, n.Key.Name, n.Value.Events, n.Value.Visitors.Estimate()))
            .OrderByDescending(n => n.Events).ThenBy(n => n.Type, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal).ToList();
        var countries = Slices.Merge((countrySlices ?? []).Where(s => Included(s) && (eventType is null || s.Key.Value(2) == eventType)), s => s.Key.Value(1))
            .Select(c => new CountryUsage(c.Key.Length == 0 ? BreakdownReport.None : c.Key, c.Value.Events, c.Value.Visitors.Estimate()))
            .OrderByDescending(c => c.Events).ThenBy(c => c.Country, StringComparer.Ordinal).ToList();
        return new UsageReport(new UsageSummary(total.Events, total.Visitors.Estimate(), total.Users.Estimate()), eventTypes, pages, names, countries);
    }
}
