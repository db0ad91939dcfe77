using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Core.Sketches;
using static Metrics.Core.Tests.Rollups.RollupEvents;

namespace Metrics.Core.Tests.Queries;

/// <summary>One number for active users: request users and signed-in beacon users, each counted once.</summary>
public sealed class ActiveUsersTests
{
    private static List<RollupSlice<RequestCell>> Totals(IEnumerable<RequestEvent> events) =>
        [.. HourRollup.Of(events).Where(c => c.Key.Family == Families.Service).Select(c => new RollupSlice<RequestCell>(Hour, c.Key, c.Value))];

    private static List<RollupSlice<UsageCell>> EventTypes(IEnumerable<UsageEvent> events) =>
        [.. HourRollup.Of(events).Where(c => c.Key.Family == Families.EventType).Select(c => new RollupSlice<UsageCell>(Hour, c.Key, c.Value))];

    [Fact]
    public void Below_the_exact_limit_the_union_is_the_exact_count_of_distinct_user_ids_of_either_source() =>
        Prop.ForAll(Batch(Request(Milliseconds, users: 40), 200).ToArbitrary(), Batch(Usage(visitors: 60), 200).ToArbitrary(), (requests, beacons) =>
        {
            var active = ActiveUsers.Of(Totals(requests), EventTypes(beacons));

            var requestUsers = requests.Select(e => e.UserId).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var signedIn = beacons.Select(e => e.UserId).OfType<string>().ToHashSet(StringComparer.Ordinal);
            Assert.Equal(requestUsers.Count, active.RequestUsers);
            Assert.Equal(signedIn.Count, active.SignedInVisitors);
            Assert.Equal(requestUsers.Union(signedIn).Count(), active.Count);
            Assert.True(active.Exact);
            Assert.Equal(0, active.ErrorBound);
        }).QuickCheckThrowOnFailure();

    [Theory]
    [InlineData(3_000, 3_000, 1_000)]
    [InlineData(20_000, 15_000, 5_000)]
    [InlineData(60_000, 1_000, 500)]
    public void Past_the_exact_limit_the_union_is_an_estimate_within_its_error_bound(int requestUsers, int signedIn, int both)
    {
        // Users 0 … requestUsers-1 make requests; the last 'both' of them and signedIn-both others send beacons signed in.
        var requests = Enumerable.Range(0, requestUsers).Select(i => Event($"u-{i}"));
        var beacons = Enumerable.Range(requestUsers - both, signedIn).Select(i => Beacon($"u-{i}"));
        var exact = requestUsers + signedIn - both;

        var active = ActiveUsers.Of(Totals(requests), EventTypes(beacons));

        Assert.False(active.Exact);
        Assert.Equal((long)Math.Ceiling(2 * DistinctCountSketch.RelativeStandardError * active.Count), active.ErrorBound);
        Assert.True(Math.Abs(active.Count - exact) <= active.ErrorBound, $"{active.Count} ± {active.ErrorBound} does not hold {exact}");
    }

    private static RequestEvent Event(string user) =>
        new($"e-{user}", "orders-api", Hour, "/api/orders", "GET", 200, 12, user, null, null, Invocation.Sync, null, 0, 0, 0);

    private static UsageEvent Beacon(string user) =>
        new($"b-{user}", "site_1", UsageEventTypes.PageView, Hour, "/", null, null, user, user, "s-1", null, null);
}
