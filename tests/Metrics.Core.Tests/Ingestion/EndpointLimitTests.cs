using Metrics.Core.Ingestion;

namespace Metrics.Core.Tests.Ingestion;

public sealed class EndpointLimitTests
{
    private static readonly DateTimeOffset Day = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);

    private static RequestEvent Event(string endpoint, string service = "svc", DateTimeOffset? at = null) =>
        new($"{endpoint}-{Guid.NewGuid():N}", service, at ?? Day, endpoint, "GET", 200, 1, null, null, null, Invocation.Sync, null, 0, 0, 0);

    private static readonly Dictionary<ServiceDay, IReadOnlySet<string>> NothingKnown = [];

    [Fact]
    public void Endpoints_past_the_limit_are_counted_under_other_and_none_is_lost()
    {
        var events = new[] { "/a", "/b", "/c", "/d", "/a", "/e" }.Select(e => Event(e)).ToList();

        var limited = EndpointLimit.Apply(events, NothingKnown, max: 3);

        Assert.Equal(["/a", "/b", "/c", EndpointLimit.Overflow, "/a", EndpointLimit.Overflow], limited.Events.Select(e => e.Endpoint));
        Assert.Equal(events.Select(e => e.Id), limited.Events.Select(e => e.Id));
        Assert.Equal(2, limited.Folded);
        Assert.Equal(["/a", "/b", "/c"], limited.Admitted[new ServiceDay("svc", new DateOnly(2026, 6, 1))]);
    }

    [Fact]
    public void Endpoints_known_that_day_are_never_folded_and_new_ones_take_what_room_is_left()
    {
        var day = new ServiceDay("svc", new DateOnly(2026, 6, 1));
        var known = new Dictionary<ServiceDay, IReadOnlySet<string>> { [day] = new HashSet<string> { "/a", "/b" } };

        var limited = EndpointLimit.Apply([Event("/x"), Event("/a"), Event("/y"), Event("/b")], known, max: 3);

        Assert.Equal(["/x", "/a", EndpointLimit.Overflow, "/b"], limited.Events.Select(e => e.Endpoint));
        Assert.Equal(["/x"], limited.Admitted[day]);
    }

    [Fact]
    public void Each_service_and_each_day_has_its_own_limit()
    {
        var events = new[]
        {
            Event("/a"), Event("/b"), Event("/a", service: "other"), Event("/b", service: "other"), Event("/a", at: Day.AddDays(1)), Event("/b", at: Day.AddDays(1)),
        };

        var limited = EndpointLimit.Apply(events, NothingKnown, max: 2);

        Assert.Equal(0, limited.Folded);
        Assert.Equal(3, limited.Admitted.Count);
    }

    [Fact]
    public void The_same_batch_sent_again_folds_the_same_events()
    {
        var events = Enumerable.Range(0, 10).Select(i => Event($"/e{i}")).ToList();
        var first = EndpointLimit.Apply(events, NothingKnown, max: 4);
        var known = first.Admitted.ToDictionary(a => a.Key, a => (IReadOnlySet<string>)a.Value.ToHashSet());

        var again = EndpointLimit.Apply(events, known, max: 4);

        Assert.Equal(first.Events.Select(e => e.Endpoint), again.Events.Select(e => e.Endpoint));
        Assert.Empty(again.Admitted);
    }

    [Fact]
    public void Only_days_with_endpoints_this_instance_has_not_seen_need_a_fresh_read()
    {
        var day = new ServiceDay("svc", new DateOnly(2026, 6, 1));
        var known = new Dictionary<ServiceDay, IReadOnlySet<string>> { [day] = new HashSet<string> { "/a" } };

        Assert.Empty(EndpointLimit.Unknown([Event("/a"), Event(EndpointLimit.Overflow)], known));
        Assert.Equal([day], EndpointLimit.Unknown([Event("/a"), Event("/new")], known));
    }
}
