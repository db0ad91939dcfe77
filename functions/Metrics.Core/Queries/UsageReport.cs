using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary><c>GET /api/metrics/usage</c>: events, visitors, event types and pages.</summary>
public sealed record UsageReport(UsageSummary Summary, IReadOnlyList<EventTypeCount> EventTypes, IReadOnlyList<PageViews> Pages,
    IReadOnlyList<NamedEvents> Names)
{
    public const string Anonymous = "anonymous";

    /// <param name="typeSlices">Slices of <see cref="Families.EventType"/>: (site, type, anonymous|user).</param>
    /// <param name="pageSlices">Slices of <see cref="Families.Page"/>: (site, page, anonymous|user).</param>
    /// <param name="nameSlices">Slices of <see cref="Families.Name"/>: (site, type, name, anonymous|user).</param>
    public static UsageReport Build(IEnumerable<RollupSlice<UsageCell>> typeSlices, IEnumerable<RollupSlice<UsageCell>> pageSlices,
        IEnumerable<RollupSlice<UsageCell>> nameSlices, string? eventType, bool includeAnonymous)
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
        return new UsageReport(new UsageSummary(total.Events, total.Visitors.Estimate(), total.Users.Estimate()), eventTypes, pages, names);
    }
}
