using System.Net;
using Metrics.Functions.Tests.Ingest;
using Metrics.Functions.Tests.Security;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Queries;

/// <summary>Bad ranges and parameters are 400 problems saying what to change; callers without the admin role get 401/403.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueryValidationTests(IdleAppFixture fixture) : IClassFixture<IdleAppFixture>
{
    /// <summary>Every query route, with the parameters that make it valid apart from the range.</summary>
    public static readonly TheoryData<string> Routes = new()
    {
        "/api/metrics/performance?x=1",
        "/api/metrics/usage?x=1",
        "/api/metrics/usage/count?x=1",
        "/api/metrics/timeseries?metric=both&interval=day",
        "/api/metrics/breakdown?by=org",
        "/api/metrics/breakdown?by=org&format=csv",
        "/api/metrics/value?metric=spend",
        "/api/metrics/reliability?x=1",
        "/api/metrics/overview?by=org&interval=day",
    };

    private HttpClient Client => fixture.App.Client;

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Each_invalid_range_is_a_400_problem_saying_what_to_change(string route)
    {
        var cases = new (string Query, string Detail)[]
        {
            ("from=2026-11-21T06:00:00Z&to=2026-11-21T05:00:00Z", "'from' (2026-11-21T06:00:00.0000000+00:00) must be before 'to' (2026-11-21T05:00:00.0000000+00:00)."),
            ("from=2026-11-21T06:00:00Z&to=2026-11-21T06:00:00Z", "must be before 'to'"),
            ("from=2026-08-01T00:00:00Z&to=2026-11-22T00:00:00Z", "The range spans 113 days; at most 90 days can be queried at once."),
            ("from=2026-08-01T00:00:00Z&to=2026-08-03T00:00:00Z", "is before the retention window: data is kept 90 days, so the earliest is 2026-08-24T10:00:00.0000000+00:00."),
            ("from=2026-11-22T09:00:00Z&to=2026-11-22T12:00:00Z", "'to' (2026-11-22T12:00:00.0000000+00:00) is in the future; the latest possible is now (2026-11-22T10:15:42.0000000+00:00)."),
            ("range=1y", "'range' must be one of 24h, 7d, 30d, 90d; got '1y'. For other spans use 'from' and 'to'."),
            ("range=7d&from=2026-11-21T00:00:00Z", "Give either 'range' or 'from'/'to', not both."),
            ("range=24h&to=2026-11-21T00:00:00Z", "Give either 'range' or 'from'/'to', not both."),
            ("to=2026-11-21T00:00:00Z", "'from' is required when 'to' is given."),
            ("from=last-tuesday", "'from' is not an ISO-8601 date and time: 'last-tuesday'."),
        };
        foreach (var (query, detail) in cases)
        {
            using var response = await Client.GetAsAsync($"{route}&{query}");

            await AssertProblemAsync(response, "urn:metrics-functions:problem:invalid-range", detail, $"{route}&{query}");
        }
    }

    [Theory]
    [InlineData("/api/metrics/breakdown?by=region", "'by' must be one of service, endpoint, user, country, org, model, membership; got 'region'.")]
    [InlineData("/api/metrics/breakdown?by=org&format=xlsx", "'format' must be one of json, csv; got 'xlsx'.")]
    [InlineData("/api/metrics/timeseries?metric=latency", "'metric' must be one of performance, usage, both; got 'latency'.")]
    [InlineData("/api/metrics/timeseries?interval=week", "'interval' must be one of hour, day; got 'week'.")]
    [InlineData("/api/metrics/overview?by=region", "'by' must be one of service, endpoint, user, country, org, model, membership; got 'region'.")]
    [InlineData("/api/metrics/overview?interval=week", "'interval' must be one of hour, day; got 'week'.")]
    [InlineData("/api/metrics/usage?eventType=scroll", "'eventType' must be one of")]
    [InlineData("/api/metrics/usage?eventType=PAGE_VIEW", "got 'PAGE_VIEW'.")]
    [InlineData("/api/metrics/reliability?percentiles=50,101", "each percentile must be a number from 0 to 100 such as 50, 95 or 99.9; got '101'.")]
    [InlineData("/api/metrics/reliability?percentiles=p99", "got 'p99'.")]
    [InlineData("/api/metrics/reliability?percentiles=-5", "got '-5'.")]
    [InlineData("/api/metrics/reliability?percentiles=1e2", "got '1e2'.")]
    [InlineData("/api/metrics/reliability?percentiles=NaN", "got 'NaN'.")]
    [InlineData("/api/metrics/reliability?percentiles=50,,99", "got ''.")]
    [InlineData("/api/metrics/reliability?percentiles=", "got ''.")]
    [InlineData("/api/metrics/reliability?percentiles=1,2,3,4,5,6,7,8,9,10,11", "at most 10 percentiles can be asked for at once; got 11.")]
    [InlineData("/api/metrics/value?metric=median", "'metric' must be one of requests, errors, errorRate, avgMs, p50Ms, p95Ms, p99Ms, cpuMs, gpuMs, units, spend, syncRequests, asyncRequests, users, countries; got 'median'.")]
    public async Task Unknown_parameter_value_is_a_400_problem_listing_the_allowed_values(string path, string detail)
    {
        using var response = await Client.GetAsAsync(path);

        await AssertProblemAsync(response, "urn:metrics-functions:problem:invalid-parameter", detail, path);
    }

    [Theory]
    [InlineData("/api/metrics/usage?includeAnonymous=maybe")]
    [InlineData("/api/metrics/usage?includeAnonymous=")]
    public async Task Malformed_parameter_is_a_400_problem(string path)
    {
        using var response = await Client.GetAsAsync(path);

        await AssertProblemAsync(response, type: null, "includeAnonymous", path);
    }

    [Fact]
    public async Task Unknown_event_type_problem_lists_every_type()
    {
        using var response = await Client.GetAsAsync("/api/metrics/usage?eventType=scroll");

        var detail = (await response.ReadJsonAsync()).GetProperty("detail").GetString()!;
        Assert.All(new[] { "page_view", "button_click", "form_submit", "feature_use", "custom" }, type => Assert.Contains(type, detail));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Boundary_ranges_are_accepted(string route)
    {
        foreach (var query in new[] { "range=90d", "range=7D", "from=2026-08-24T10:15:42Z&to=2026-11-22T10:15:42Z", "from=2026-11-22T10:00:00Z&to=2026-11-22T10:16:12Z" })
        {
            using var response = await Client.GetAsAsync($"{route}&{query}");

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route}&{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Without_a_key_a_query_is_401_and_with_a_finance_key_403(string route)
    {
        using var anonymous = await Client.GetAsAsync(route, key: null);
        using var wrongKey = await Client.GetAsAsync(route, key: "not-a-key");
        using var finance = await Client.GetAsAsync(route, key: TestApp.FinanceKey);

        await AssertProblemAsync(anonymous, "urn:metrics-functions:problem:unauthorized", "Authorization: Bearer", route, HttpStatusCode.Unauthorized);
        await AssertProblemAsync(wrongKey, "urn:metrics-functions:problem:unauthorized", "", route, HttpStatusCode.Unauthorized);
        await AssertProblemAsync(finance, "urn:metrics-functions:problem:forbidden", "'admin'", route, HttpStatusCode.Forbidden);
    }

    /// <param name="type">The problem type, or null for any.</param>
    private static async Task AssertProblemAsync(HttpResponseMessage response, string? type, string detail, string what,
        HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status}, got {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.True(type is null ? !string.IsNullOrEmpty(problem.GetProperty("type").GetString()) : problem.GetProperty("type").GetString() == type,
            $"{what}: type in {body}");
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.True(problem.GetProperty("detail").GetString()!.Contains(detail, StringComparison.Ordinal), $"{what}: expected detail containing \"{detail}\", got {body}");
    }
}
