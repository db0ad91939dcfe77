using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Ingestion;
using Metrics.Core.Pricing;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using static Metrics.Core.Tests.Rollups.RollupEvents;
using Interval = Metrics.Core.Queries.Interval;

namespace Metrics.Core.Tests.Queries;

/// <summary>
/// What the dashboard asks of the reports: the 5xx share beside the error rate, time series filtered by service and
/// endpoint, and usage by event name. Each is checked against a count over the same generated events.
/// </summary>
public sealed class DashboardQueryTests
{
    private static readonly QueryWindow Window = new(Hour, Hour.AddHours(1));

    private static List<RollupSlice<RequestCell>> Slices(IEnumerable<RequestEvent> events) =>
        [.. HourRollup.Of(events).Select(c => new RollupSlice<RequestCell>(Hour, c.Key, c.Value))];

    private static List<RollupSlice<UsageCell>> Slices(IEnumerable<UsageEvent> events, string family) =>
        [.. HourRollup.Of(events).Where(c => c.Key.Family == family).Select(c => new RollupSlice<UsageCell>(Hour, c.Key, c.Value))];

    private static double Share(IReadOnlyCollection<RequestEvent> events, Func<RequestEvent, bool> counted) =>
        events.Count == 0 ? 0 : (double)events.Count(counted) / events.Count;

    [Fact]
    public void Server_error_rate_is_the_5xx_share_in_the_summary_endpoints_breakdown_and_series() =>
        Prop.ForAll(Batch(Request(DyadicMilliseconds, users: 20), 200).ToArbitrary(), events =>
        {
            var slices = Slices(events);
            bool Server(RequestEvent e) => e.Status >= 500;
            var report = PerformanceReport.Build(slices.Where(s => s.Key.Family == Families.Endpoint), slices.Where(s => s.Key.Family == Families.Service), QueryFilter.None);

            Assert.Equal(Share(events, Server), report.Summary.ServerErrorRate, 12);
            Assert.Equal(Share(events, e => e.Status >= 400), report.Summary.ErrorRate, 12);
            foreach (var row in report.Endpoints)
                Assert.Equal(Share([.. events.Where(e => e.Service == row.Service && e.Endpoint == row.Endpoint && e.Method == row.Method)], Server), row.ServerErrorRate, 12);
            foreach (var row in BreakdownReport.Build("service", slices, QueryFilter.None, PriceList.Empty, new HashSet<string>()).Rows)
                Assert.Equal(Share([.. events.Where(e => e.Service == row.Key)], Server), row.ServerErrorRate, 12);
            var point = Assert.Single(TimeSeries.Build(Window, Interval.Hour, slices.Where(s => s.Key.Family == Families.Service), []));
            Assert.Equal(Share(events, Server), point.ServerErrorRate, 12);
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_series_filtered_by_service_and_endpoint_counts_only_their_requests() =>
        Prop.ForAll(Batch(Request(DyadicMilliseconds, users: 20), 200).ToArbitrary(), events =>
        {
            var slices = Slices(events);
            var byService = Assert.Single(TimeSeries.Build(Window, Interval.Hour, slices.Where(s => s.Key.Family == Families.Service), [], new QueryFilter("orders-api")));
            var byEndpoint = Assert.Single(TimeSeries.Build(Window, Interval.Hour, slices.Where(s => s.Key.Family == Families.Endpoint), [],
                new QueryFilter("orders-api", "/api/orders/{id}")));

            var ofService = events.Where(e => e.Service == "orders-api").ToList();
            var ofEndpoint = ofService.Where(e => e.Endpoint == "/api/orders/{id}").ToList();
            Assert.Equal(ofService.Count, byService.Requests);
            Assert.Equal(Share(ofService, e => e.Status >= 500), byService.ServerErrorRate, 12);
            Assert.Equal(ofEndpoint.Count, byEndpoint.Requests);
            Assert.Equal(Share(ofEndpoint, e => e.Status >= 400), byEndpoint.ErrorRate, 12);
            Assert.Equal(ofEndpoint.Sum(e => RequestCell.Micros(e.DurationMs)) / 1000.0 / Math.Max(1, ofEndpoint.Count), byEndpoint.AvgMs, 9);
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void An_endpoint_filter_on_service_slices_is_refused() =>
        Assert.Throws<ArgumentException>(() => TimeSeries.Build(Window, Interval.Hour,
            Slices([new RequestEvent("e", "orders-api", Hour, "/a", "GET", 200, 1, null, null, null, Invocation.Sync, null, 0, 0, 0)])
                .Where(s => s.Key.Family == Families.Service), [], new QueryFilter(Endpoint: "/a")));

    [Fact]
    public void Usage_names_count_the_events_and_visitors_of_each_named_feature_button_and_form() =>
        Prop.ForAll(Batch(Usage(visitors: 40), 300).ToArbitrary(), Arb.From(Gen.Elements(true, false)), (events, includeAnonymous) =>
        {
            var report = UsageReport.Build(Slices(events, Families.EventType), Slices(events, Families.Page), Slices(events, Families.Name),
                null, includeAnonymous);

            var expected = events.Where(e => e.Name is not null && (includeAnonymous || !e.IsAnonymous))
                .GroupBy(e => (e.Type, e.Name))
                .Select(g => new NamedEvents(g.Key.Type, g.Key.Name!, g.Count(), g.Select(e => e.VisitorId).Distinct().Count()))
                .OrderByDescending(n => n.Events).ThenBy(n => n.Type, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal);
            Assert.Equal(expected, report.Names);
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Usage_names_follow_the_event_type_filter() =>
        Prop.ForAll(Batch(Usage(visitors: 40), 300).ToArbitrary(), events =>
        {
            var report = UsageReport.Build(Slices(events, Families.EventType), Slices(events, Families.Page), Slices(events, Families.Name),
                UsageEventTypes.ButtonClick, includeAnonymous: true);

            Assert.All(report.Names, n => Assert.Equal(UsageEventTypes.ButtonClick, n.Type));
            Assert.Equal(events.Count(e => e.Type == UsageEventTypes.ButtonClick && e.Name is not null), report.Names.Sum(n => n.Events));
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Usage_by_country_counts_the_events_and_visitors_of_each_country_under_both_filters() =>
        Prop.ForAll(Batch(Usage(visitors: 40), 300).ToArbitrary(), Arb.From(Gen.Elements(true, false)),
            Arb.From(Gen.Elements<string?>(null, UsageEventTypes.PageView, UsageEventTypes.ButtonClick)), (events, includeAnonymous, eventType) =>
        {
            var report = UsageReport.Build(Slices(events, Families.EventType), Slices(events, Families.Page), Slices(events, Families.Name),
                eventType, includeAnonymous, Slices(events, Families.UsageCountry));

            var included = events.Where(e => (includeAnonymous || !e.IsAnonymous) && (eventType is null || e.Type == eventType)).ToList();
            var expected = included.GroupBy(e => e.Country ?? BreakdownReport.None)
                .Select(g => new CountryUsage(g.Key, g.Count(), g.Select(e => e.VisitorId).Distinct().Count()))
                .OrderByDescending(c => c.Events).ThenBy(c => c.Country, StringComparer.Ordinal);
            Assert.Equal(expected, report.Countries);
            Assert.Equal(0, report.EventsWithoutCountry);
            Assert.Equal(included.Count(e => e.Country is null), report.EventsOfNoCountry);
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Usage_rolled_up_before_countries_were_kept_is_named_in_the_note()
    {
        UsageEvent Beacon(string id, string? country) => new(id, "site_1", UsageEventTypes.PageView, Hour, "/", null, null, null, $"anon-{id}", "s-1", country, null);
        UsageEvent[] events = [Beacon("a", "ES"), Beacon("b", null), Beacon("c", "ES")];
        // The hour's older rollups: event types without the country family's rows, as written before 2026-12-08.
        var report = UsageReport.Build(Slices(events, Families.EventType), [], [], null, includeAnonymous: true, Slices(events.Take(2), Families.UsageCountry));

        Assert.Equal([new CountryUsage(BreakdownReport.None, 1, 1), new CountryUsage("ES", 1, 1)], report.Countries);
        Assert.Equal(1, report.EventsWithoutCountry);
        Assert.Equal("1 events came without a country; they are the row (none). Countries come from the header a trusted front end sets " +
            "(Ingest__CountryHeader). 1 of these events are in the summary but not in the countries: they were rolled up before usage was kept by country.",
            report.CountryNote());
    }
}
