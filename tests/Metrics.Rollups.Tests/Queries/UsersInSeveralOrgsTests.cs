using Metrics.Core.Ingestion;
using Metrics.Core.Pricing;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Tests.Shared;

namespace Metrics.Rollups.Tests.Queries;

/// <summary>
/// A user may work for several orgs. The user and country breakdowns count each request once, in the user's or country's
/// one row, for everyone; kept to an org, they count only that org's requests. Numbers are checked against an exact
/// computation over the same events, before and after compaction.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class UsersInSeveralOrgsTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset FirstDay = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = FirstDay.AddDays(2).AddHours(6);
    private static readonly QueryWindow TwoDays = new(FirstDay, FirstDay.AddDays(2));

    /// <summary>ana works for acme and globex, bo for acme, cy for globex; some requests carry no org or no user.</summary>
    private static readonly (string? User, string? Org)[] Members = [("ana", "acme"), ("ana", "globex"), ("bo", "acme"), ("cy", "globex"), ("ana", null), (null, "acme")];
    private static readonly string?[] Countries = ["ES", "FR", null];

    public static TheoryData<string, string?> Cases => new()
    {
        { "user", null }, { "user", "acme" }, { "user", "globex" },
        { "country", null }, { "country", "acme" }, { "country", "globex" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_user_in_two_orgs_is_counted_once_for_everyone_and_only_with_each_orgs_requests_for_that_org(string by, string? org)
    {
        var events = Generate(400);
        using var engine = RollupEngine.On(azurite.NewStorage(), new SharedClock(Now));
        await engine.StoreAsync(events, Now);
        var filter = new QueryFilter(Org: org);
        var expected = Exact(events.Where(e => org is null || e.OrgId == org), by);

        Assert.Equal(expected, await BreakdownAsync(engine, by, filter), RowComparer.Instance);

        await engine.Compaction.RecomputeAsync(EventKind.Requests, [.. events.Select(e => RollupCalendar.HourOf(e.Timestamp)).Distinct()]);
        await engine.Dirty.ClearBeforeAsync(EventKind.Requests, Now);

        Assert.Equal(expected, await BreakdownAsync(engine, by, filter), RowComparer.Instance);
    }

    [Fact]
    public async Task Only_a_query_kept_to_an_org_reads_the_per_org_user_and_country_rows()
    {
        Assert.Equal(Families.User, BreakdownReport.FamilyOf("user", QueryFilter.None));
        Assert.Equal(Families.User, BreakdownReport.FamilyOf("membership", QueryFilter.None));
        Assert.Equal(Families.Country, BreakdownReport.FamilyOf("country", QueryFilter.None));
        Assert.Equal(Families.OrgUser, BreakdownReport.FamilyOf("user", new QueryFilter(Org: "acme")));
        Assert.Equal(Families.OrgCountry, BreakdownReport.FamilyOf("country", new QueryFilter(Org: "acme")));

        // ana's requests to a service, for two orgs, are one row of the user family and two of the per-org family.
        using var engine = RollupEngine.On(azurite.NewStorage(), new SharedClock(Now));
        await engine.StoreAsync(Generate(400), Now);
        var read = await engine.ReadAsync([Families.User, Families.OrgUser], TwoDays, Grain.Hour);
        Assert.Single(read[Families.User].Select(s => s.Key).Where(Anas).Distinct());
        Assert.Equal(3, read[Families.OrgUser].Select(s => s.Key).Where(Anas).Distinct().Count()); // acme, globex, none
        static bool Anas(RollupKey key) => key.Value(0) == "orders-api" && key.Value(1) == "ana";
    }

    [Fact]
    public async Task User_rows_written_with_the_org_in_their_key_still_add_up_per_user_for_everyone()
    {
        // From 2026-12-06 to 2026-12-07 the user family's keys held the org: such rows stay in its tables until retention removes them.
        var events = Generate(400);
        using var engine = RollupEngine.On(azurite.NewStorage(), new SharedClock(Now));
        var (before, after) = (events.Where(e => e.Timestamp < FirstDay.AddDays(1)).ToList(), events.Where(e => e.Timestamp >= FirstDay.AddDays(1)).ToList());
        var legacy = HourRollup.Of(before).Where(c => c.Key.Family == Families.OrgUser)
            .Select(c => KeyValuePair.Create(RollupKey.Of(Families.User, c.Key.Values), c.Value));
        await engine.Store.ReplaceAsync(CellFormats.Requests, Families.User, Grain.Day, FirstDay, legacy, FoldPosition.End);
        await engine.Store.ReplaceAsync(CellFormats.Requests, Families.User, Grain.Day, FirstDay.AddDays(1),
            HourRollup.Of(after).Where(c => c.Key.Family == Families.User), FoldPosition.End);

        Assert.Equal(Exact(events, "user"), await BreakdownAsync(engine, "user", QueryFilter.None), RowComparer.Instance);
    }

    private static async Task<List<BreakdownRow>> BreakdownAsync(RollupEngine engine, string by, QueryFilter filter)
    {
        var family = BreakdownReport.FamilyOf(by, filter);
        var read = await engine.ReadAsync([family], TwoDays, Grain.Week);
        return [.. BreakdownReport.Build(by, read[family], filter, PriceList.Empty, new HashSet<string>()).Rows];
    }

    /// <summary>Requests over two days, spread over their hours, with whole-microsecond durations so sums are exact.</summary>
    private static List<RequestEvent> Generate(int count)
    {
        var random = new Random(26);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var (user, org) = Members[random.Next(Members.Length)];
            var status = random.Next(10) switch { 0 => 503, 1 => 404, _ => 200 };
            return new RequestEvent($"e-{i}", random.Next(3) == 0 ? "billing-api" : "orders-api", FirstDay.AddMinutes(random.Next(2 * 24 * 60)),
                "/orders/{id}", "GET", status, 1 + random.Next(5_000) / 8.0, user, org, Countries[random.Next(Countries.Length)], Invocation.Sync,
                "gpt-small", random.Next(100), 0, 0);
        })];
    }

    /// <summary>The breakdown's rows computed from the events themselves, in the report's order.</summary>
    private static List<BreakdownRow> Exact(IEnumerable<RequestEvent> events, string by) =>
        [.. events.GroupBy(e => (by == "user" ? e.UserId : e.Country) ?? BreakdownReport.None)
            .Select(g => new BreakdownRow(g.Key, g.Count(), g.Count(e => e.Status >= 400), g.Count(e => e.Status is >= 400 and < 500),
                g.Count(e => e.Status >= 500), 0, 0, g.Average(e => e.DurationMs), 0, g.Sum(e => e.Units), 0, 0, 0, 0, 0,
                g.Select(e => e.UserId).OfType<string>().Distinct().Count(), 0))
            .OrderByDescending(r => r.Requests).ThenBy(r => r.Key, StringComparer.Ordinal)];

    /// <summary>The measures an exact computation gives: key, counts, errors, units, distinct users and the mean duration.</summary>
    private sealed class RowComparer : IEqualityComparer<BreakdownRow>
    {
        public static readonly RowComparer Instance = new();

        public bool Equals(BreakdownRow? x, BreakdownRow? y) => x is not null && y is not null
            && (x.Key, x.Requests, x.Errors, x.ClientErrors, x.ServerErrors, x.Units, x.Users) == (y.Key, y.Requests, y.Errors, y.ClientErrors, y.ServerErrors, y.Units, y.Users)
            && Math.Abs(x.AvgMs - y.AvgMs) <= 1e-9 * Math.Max(1, Math.Abs(x.AvgMs));

        public int GetHashCode(BreakdownRow row) => HashCode.Combine(row.Key, row.Requests);
    }
}
