using System.Text.Json;
using Metrics.Core.Sketches;

namespace Metrics.Functions.Tests.Queries;

/// <summary>
/// Checks whole query answers against the exact computation over the events they cover: every number of every
/// row, and the order of the rows.
/// </summary>
internal static class ExpectedAnswers
{
    /// <summary><c>/api/metrics/performance</c>: the summary and every endpoint, slowest first.</summary>
    public static void Performance(IReadOnlyList<SentRequest> events, JsonElement response, string context)
    {
        Summary(new ExactRequests(events), response.GetProperty("summary"), $"{context}: summary");

        var expected = events.GroupBy(e => (e.Service, e.Endpoint, e.Method))
            .Select(g => (g.Key, Exact: new ExactRequests(g)))
            .OrderByDescending(e => e.Exact.AvgMs).ThenBy(e => e.Key.Service, StringComparer.Ordinal)
            .ThenBy(e => e.Key.Endpoint, StringComparer.Ordinal).ThenBy(e => e.Key.Method, StringComparer.Ordinal)
            .ToList();
        var rows = response.Items("endpoints").ToList();
        var actualKeys = rows.Select(r => (r.Text("service"), r.Text("endpoint"), r.Text("method"))).ToList();
        Assert.True(expected.Select(e => e.Key).SequenceEqual(actualKeys),
            $"{context}: endpoints, slowest first: expected [{string.Join(", ", expected.Select(e => e.Key))}], got [{string.Join(", ", actualKeys)}]");
        foreach (var ((key, exact), row) in expected.Zip(rows))
        {
            Latency(exact, row, $"{context}: endpoint {key}");
        }
    }

    public static void Summary(ExactRequests exact, JsonElement summary, string what)
    {
        Latency(exact, summary, what);
        QueryAssert.Distinct(exact.Users, summary.Long("activeUsers"), $"{what} activeUsers");
        // Null where the answer is kept to an endpoint or model (countries are not kept by either); exact wherever shown.
        if (summary.GetProperty("countries") is { ValueKind: not JsonValueKind.Null } countries)
            QueryAssert.Equal(exact.Countries, countries.GetInt64(), $"{what} countries");
    }

    /// <summary>Requests, average, error rates and percentiles: what a summary, an endpoint row and a series point all answer.</summary>
    public static void Latency(ExactRequests exact, JsonElement answer, string what)
    {
        QueryAssert.Equal(exact.Requests, answer.Long("requests"), $"{what} requests");
        QueryAssert.Close(exact.AvgMs, answer.Double("avgMs"), $"{what} avgMs");
        QueryAssert.Equal(exact.ErrorRate, answer.Double("errorRate"), $"{what} errorRate");
        QueryAssert.Equal(exact.ServerErrorRate, answer.Double("serverErrorRate"), $"{what} serverErrorRate");
        QueryAssert.Percentile(exact.Quantile(0.50), answer.Double("p50Ms"), $"{what} p50Ms");
        QueryAssert.Percentile(exact.Quantile(0.95), answer.Double("p95Ms"), $"{what} p95Ms");
        QueryAssert.Percentile(exact.Quantile(0.99), answer.Double("p99Ms"), $"{what} p99Ms");
    }

    /// <summary><c>/api/metrics/usage</c> with its filters applied to <paramref name="inRange"/>: summary, event types, pages.</summary>
    public static void Usage(IReadOnlyList<SentUsage> inRange, JsonElement response, string? eventType, bool includeAnonymous, string context)
    {
        var included = inRange.Where(e => (includeAnonymous || !e.IsAnonymous) && (eventType is null || e.Type == eventType)).ToList();
        var exact = new ExactUsage(included);
        var summary = response.GetProperty("summary");
        QueryAssert.Equal(exact.Events, summary.Long("events"), $"{context}: events");
        QueryAssert.Distinct(exact.Visitors, summary.Long("uniqueUsers"), $"{context}: uniqueUsers");
        QueryAssert.Distinct(exact.Users, summary.Long("activeUsers"), $"{context}: activeUsers");

        var types = included.GroupBy(e => e.Type).Select(g => (Type: g.Key, Count: (long)g.Count()))
            .OrderByDescending(t => t.Count).ThenBy(t => t.Type, StringComparer.Ordinal).ToList();
        var actualTypes = response.Items("eventTypes").Select(t => (Type: t.Text("type"), Count: t.Long("count"))).ToList();
        Assert.True(types.SequenceEqual(actualTypes), $"{context}: eventTypes expected [{string.Join(", ", types)}], got [{string.Join(", ", actualTypes)}]");

        var pages = included.Where(e => e.Type == "page_view").GroupBy(e => e.Page!)
            .Select(g => (Page: g.Key, Views: (long)g.Count(), Visitors: new ExactUsage(g).Visitors))
            .OrderByDescending(p => p.Views).ThenBy(p => p.Page, StringComparer.Ordinal).ToList();
        var actualPages = response.Items("pages").ToList();
        Assert.True(pages.Select(p => p.Page).SequenceEqual(actualPages.Select(p => p.Text("page"))),
            $"{context}: pages expected [{string.Join(", ", pages.Select(p => p.Page))}], got [{string.Join(", ", actualPages.Select(p => p.Text("page")))}]");
        foreach (var (expected, actual) in pages.Zip(actualPages))
        {
            QueryAssert.Equal(expected.Views, actual.Long("views"), $"{context}: page {expected.Page} views");
            QueryAssert.Distinct(expected.Visitors, actual.Long("visitors"), $"{context}: page {expected.Page} visitors");
        }

        // Which features, buttons and forms: visitors counted as the summary counts them (users and anonymous browsers).
        var names = included.Where(e => e.Name is not null).GroupBy(e => (e.Type, Name: e.Name!))
            .Select(g => (g.Key.Type, g.Key.Name, Events: (long)g.Count(), new ExactUsage(g).Visitors))
            .OrderByDescending(n => n.Events).ThenBy(n => n.Type, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal).ToList();
        var actualNames = response.Items("names").Select(n => (Type: n.Text("type"), Name: n.Text("name"), Events: n.Long("events"), Visitors: n.Long("visitors"))).ToList();
        Assert.True(names.Select(n => (n.Type, n.Name, n.Events)).SequenceEqual(actualNames.Select(n => (n.Type, n.Name, n.Events))),
            $"{context}: names expected [{string.Join(", ", names)}], got [{string.Join(", ", actualNames)}]");
        foreach (var (expected, actual) in names.Zip(actualNames))
            QueryAssert.Distinct(expected.Visitors, actual.Visitors, $"{context}: name {expected.Type}/{expected.Name} visitors");
        if (response.TryGetProperty("countries", out var countries)) UsageCountries(included, countries, context);
    }

    /// <summary>The usage answer's countries: events and visitors per country (events without one are the row (none)), most events first.</summary>
    private static void UsageCountries(List<SentUsage> included, JsonElement countries, string context)
    {
        var expected = included.GroupBy(e => e.Country ?? "(none)")
            .Select(g => (Country: g.Key, Events: (long)g.Count(), new ExactUsage(g).Visitors))
            .OrderByDescending(c => c.Events).ThenBy(c => c.Country, StringComparer.Ordinal).ToList();
        var actual = countries.EnumerateArray().Select(c => (Country: c.Text("country"), Events: c.Long("events"), Visitors: c.Long("visitors"))).ToList();
        Assert.True(expected.Select(c => (c.Country, c.Events)).SequenceEqual(actual.Select(c => (c.Country, c.Events))),
            $"{context}: countries expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
        foreach (var (e, a) in expected.Zip(actual)) QueryAssert.Distinct(e.Visitors, a.Visitors, $"{context}: country {e.Country} visitors");
        QueryAssert.Equal(included.Count, actual.Sum(c => c.Events), $"{context}: the countries' events add up to the summary's");
    }

    /// <summary>The overview's one number for active users: distinct user ids of the requests and the signed-in beacons, each once.</summary>
    public static void ActiveUsers(IReadOnlyList<SentRequest> requests, IReadOnlyList<SentUsage> usage, JsonElement answer, string context)
    {
        var requestUsers = requests.Select(e => e.UserId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var signedIn = usage.Select(e => e.UserId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var union = requestUsers.Union(signedIn, StringComparer.Ordinal).Count();
        QueryAssert.Distinct(requestUsers.Count, answer.Long("requestUsers"), $"{context}: activeUsers.requestUsers");
        QueryAssert.Distinct(signedIn.Count, answer.Long("signedInVisitors"), $"{context}: activeUsers.signedInVisitors");
        QueryAssert.Distinct(union, answer.Long("count"), $"{context}: activeUsers.count");
        var exact = union <= DistinctCountSketch.ExactLimit;
        Assert.Equal(exact, answer.GetProperty("exact").GetBoolean());
        if (exact) QueryAssert.Equal(0L, answer.Long("errorBound"), $"{context}: activeUsers.errorBound");
        // Past the exact limit the count is an estimate: its error bound must hold the exact count.
        else Assert.True(Math.Abs(answer.Long("count") - union) <= answer.Long("errorBound"),
            $"{context}: activeUsers {answer.Long("count")} ± {answer.Long("errorBound")} does not hold the exact {union}");
    }

    /// <summary>
    /// <c>/api/metrics/breakdown</c>: every row exact and in order (most requests first), the totals exact, and the
    /// additive columns of the rows adding up to the totals.
    /// </summary>
    public static void Breakdown(Func<SentRequest, string> keyOf, IReadOnlyList<SentRequest> events, JsonElement response, string context)
    {
        var all = new ExactRequests(events, TrafficGenerator.Prices);
        var expected = events.GroupBy(keyOf)
            .Select(g => (Key: g.Key, Exact: new ExactRequests(g, TrafficGenerator.Prices)))
            .OrderByDescending(g => g.Exact.Requests).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var rows = response.Items("rows").ToList();
        Assert.True(expected.Select(e => e.Key).SequenceEqual(rows.Select(r => r.Text("key"))),
            $"{context}: rows expected [{string.Join(", ", expected.Select(e => e.Key))}], got [{string.Join(", ", rows.Select(r => r.Text("key")))}]");
        foreach (var ((key, exact), row) in expected.Zip(rows)) BreakdownRow(exact, all.Requests, row, $"{context} row {key}");

        var totals = response.GetProperty("totals");
        Assert.Equal("total", totals.Text("key"));
        BreakdownRow(all, all.Requests, totals, $"{context} totals");

        foreach (var column in new[] { "requests", "errors", "clientErrors", "serverErrors", "units", "syncRequests", "asyncRequests" })
            QueryAssert.Equal(totals.Long(column), rows.Sum(r => r.Long(column)), $"{context}: sum of rows' {column}");
        QueryAssert.Equal(totals.Decimal("spend"), rows.Sum(r => r.Decimal("spend")), $"{context}: sum of rows' spend");
        foreach (var column in new[] { "cpuMs", "gpuMs" })
            QueryAssert.Equal(Micros(totals.Double(column)), rows.Sum(r => Micros(r.Double(column))), $"{context}: sum of rows' {column} in microseconds");
    }

    private static void BreakdownRow(ExactRequests exact, long allRequests, JsonElement row, string what)
    {
        QueryAssert.Equal(exact.Requests, row.Long("requests"), $"{what} requests");
        QueryAssert.Equal(exact.Errors, row.Long("errors"), $"{what} errors");
        QueryAssert.Equal(exact.ClientErrors, row.Long("clientErrors"), $"{what} clientErrors");
        QueryAssert.Equal(exact.ServerErrors, row.Long("serverErrors"), $"{what} serverErrors");
        QueryAssert.Equal(exact.ErrorRate, row.Double("errorRate"), $"{what} errorRate");
        QueryAssert.Equal(exact.ServerErrorRate, row.Double("serverErrorRate"), $"{what} serverErrorRate");
        QueryAssert.Close(exact.AvgMs, row.Double("avgMs"), $"{what} avgMs");
        QueryAssert.Percentile(exact.Quantile(0.95), row.Double("p95Ms"), $"{what} p95Ms");
        QueryAssert.Equal(exact.Units, row.Long("units"), $"{what} units");
        QueryAssert.Equal(exact.Spend, row.Decimal("spend"), $"{what} spend");
        QueryAssert.Equal(exact.CpuMs, row.Double("cpuMs"), $"{what} cpuMs");
        QueryAssert.Equal(exact.GpuMs, row.Double("gpuMs"), $"{what} gpuMs");
        QueryAssert.Equal(exact.SyncRequests, row.Long("syncRequests"), $"{what} syncRequests");
        QueryAssert.Equal(exact.AsyncRequests, row.Long("asyncRequests"), $"{what} asyncRequests");
        QueryAssert.Distinct(exact.Users, row.Long("users"), $"{what} users");
        QueryAssert.Equal(allRequests == 0 ? 0 : (double)exact.Requests / allRequests, row.Double("share"), $"{what} share");
    }

    /// <summary>A time in milliseconds back to the whole microseconds it was computed from.</summary>
    private static long Micros(double milliseconds) => (long)Math.Round(milliseconds * 1000);
}
