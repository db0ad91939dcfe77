using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Ingestion;
using Metrics.Core.Pricing;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using static Metrics.Core.Tests.Rollups.RollupEvents;

namespace Metrics.Core.Tests.Queries;

/// <summary>
/// The endpoint table and the breakdown by endpoint kept to an org or a model: read from the org endpoint family, they
/// count exactly that org's or model's requests per endpoint, and unfiltered they still come from the endpoint family.
/// </summary>
public sealed class OrgEndpointTests
{
    private static readonly QueryFilter[] Filters =
        [new(Org: "acme"), new(Model: "gpt-large"), new(Org: "globex", Model: "embed"), new("orders-api", "/api/orders/{id}", "initech"), QueryFilter.None];

    private static List<RollupSlice<RequestCell>> Slices(IEnumerable<RequestEvent> events) =>
        [.. HourRollup.Of(events).Select(c => new RollupSlice<RequestCell>(Hour, c.Key, c.Value))];

    private static bool Kept(RequestEvent e, QueryFilter filter) =>
        (filter.Service is null || e.Service == filter.Service) && (filter.Endpoint is null || e.Endpoint == filter.Endpoint)
        && (filter.Org is null || e.OrgId == filter.Org) && (filter.Model is null || e.Model == filter.Model);

    [Fact]
    public void Each_endpoint_row_counts_exactly_the_filtered_requests_of_that_endpoint() =>
        Prop.ForAll(Batch(Request(DyadicMilliseconds, users: 20), 300).ToArbitrary(), events =>
        {
            var slices = Slices(events);
            foreach (var filter in Filters)
            {
                var report = PerformanceReport.Build(slices.Where(s => s.Key.Family == filter.EndpointFamily),
                    slices.Where(s => s.Key.Family == filter.TotalsFamily), filter);
                var breakdown = BreakdownReport.Build("endpoint", slices, filter, PriceList.Empty, new HashSet<string>());

                var expected = events.Where(e => Kept(e, filter)).GroupBy(e => (e.Service, e.Endpoint, e.Method))
                    .ToDictionary(g => g.Key, g => (Requests: (long)g.Count(), ServerErrors: g.Count(e => e.Status >= 500)));
                Assert.Equal(expected.Keys.ToHashSet(), report.Endpoints.Select(e => (e.Service, e.Endpoint, e.Method)).ToHashSet());
                foreach (var row in report.Endpoints)
                {
                    var (requests, serverErrors) = expected[(row.Service, row.Endpoint, row.Method)];
                    Assert.Equal(requests, row.Requests);
                    Assert.Equal((double)serverErrors / requests, row.ServerErrorRate, 12);
                }
                Assert.Equal(expected.ToDictionary(e => $"{e.Key.Service} {e.Key.Method} {e.Key.Endpoint}", e => e.Value.Requests),
                    breakdown.Rows.ToDictionary(r => r.Key, r => r.Requests));
                Assert.Equal(0, report.RequestsWithoutEndpoint);
                Assert.Equal(events.Count(e => Kept(e, filter)), report.Summary.Requests);
            }
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Only_a_filter_by_org_or_model_reads_the_org_endpoint_family()
    {
        Assert.Equal(Families.Endpoint, QueryFilter.None.EndpointFamily);
        Assert.Equal(Families.Endpoint, new QueryFilter("orders-api", "/api/orders").EndpointFamily);
        Assert.Equal(Families.OrgEndpoint, new QueryFilter(Org: "acme").EndpointFamily);
        Assert.Equal(Families.OrgEndpoint, new QueryFilter(Endpoint: "/api/orders", Model: "embed").TotalsFamily);
        Assert.Equal(Families.Org, new QueryFilter(Org: "acme").TotalsFamily);
    }

    [Fact]
    public void Summary_requests_missing_from_the_endpoint_table_are_counted_not_hidden()
    {
        var events = Gen.Sample(Request(DyadicMilliseconds, users: 5), 200).Select(e => e with { OrgId = "acme" }).ToList();
        var slices = Slices(events);
        var filter = new QueryFilter(Org: "acme");
        // Hours rolled up before the org endpoint family have no rows in it.
        var report = PerformanceReport.Build(slices.Where(s => s.Key.Family == filter.EndpointFamily && s.Cell.Requests > 0).Take(1),
            slices.Where(s => s.Key.Family == filter.TotalsFamily), filter);

        Assert.Equal(events.Count - report.Endpoints.Single().Requests, report.RequestsWithoutEndpoint);
    }
}
