using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrics.Core.Ingestion;
using Metrics.Functions.Tests.Ingest;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>
/// Over its row budget the nightly run finalises hours older than a day, within the seven days ingestion accepts. A late
/// event for such an hour could no longer be counted, so ingestion refuses it with a reason instead of storing it
/// uncounted; the first hour not finalised is taken as ever.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FinalisedHourTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Now = new(2025, 6, 10, 2, 0, 30, TimeSpan.Zero);
    /// <summary>The first hour the over-budget run leaves open: FloorHour(now - 1 day).</summary>
    private static readonly DateTimeOffset Boundary = new(2025, 6, 9, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task After_an_early_roll_up_a_late_event_for_a_finalised_hour_is_refused_with_a_reason_and_the_first_open_hour_is_counted()
    {
        await using var app = await StartAsync(overBudget: true);
        await app.SendAsync(Traffic.Requests("r", Traffic.Hours(Now.AddDays(-3), Now.AddHours(-1), every: 5), 4, seed: 31));
        var nightly = await app.RunTimerAsync();
        Assert.True(nightly.Summary.GetProperty("RolledUpEarly").GetBoolean(), nightly.ToString());
        var before = await TotalRequestsAsync(app);

        var (status, receipt) = await PostAsync(app, "orders-api",
            Event("late-finalised", Boundary.AddMilliseconds(-1)), Event("late-open", Boundary), Event("recent", Now.AddMinutes(-1)));

        Assert.True(status == HttpStatusCode.Accepted, receipt.ToString());
        Assert.Equal(2, receipt.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(receipt.GetProperty("rejected").EnumerateArray());
        Assert.Equal((0, "finalised_hour"), (rejected.GetProperty("index").GetInt32(), rejected.GetProperty("code").GetString()));
        Assert.Contains("rollups are already final", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("earliest accepted 2025-06-09T02:00:00.0000000+00:00", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(before + 2, await TotalRequestsAsync(app));
        var stored = (await app.Storage.AllAsync(TableNames.RequestEvents)).Select(row => row.GetString("Id")).ToList();
        Assert.DoesNotContain("late-finalised", stored);
        Assert.Contains("late-open", stored);
    }

    [Fact]
    public async Task A_batch_holding_only_events_for_finalised_hours_is_a_400_that_says_why()
    {
        await using var app = await StartAsync(overBudget: true);
        await app.SendAsync(Traffic.Requests("r", [Now.AddDays(-2)], 3, seed: 32));
        await app.RunTimerAsync();

        var (status, problem) = await PostAsync(app, "orders-api", Event("late", Now.AddDays(-2)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("rollups are already final", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("finalised_hour", problem.GetProperty("rejected")[0].GetProperty("code").GetString());
        Assert.DoesNotContain("late", (await app.Storage.AllAsync(TableNames.RequestEvents)).Select(row => row.GetString("Id")));

        var beacon = Batches.UsageJson("late-view", "page_view", Now.AddDays(-2), "/pricing");
        var (usageStatus, usageProblem) = await PostToAsync(app, "/api/ingest/usage", new JsonObject { ["site"] = TestApp.Site, ["events"] = new JsonArray(beacon) });
        Assert.Equal(HttpStatusCode.BadRequest, usageStatus);
        Assert.Contains("rollups are already final", usageProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Before_any_finalisation_a_six_day_old_event_is_accepted_and_counted()
    {
        await using var app = await StartAsync(overBudget: false);

        var (status, receipt) = await PostAsync(app, "orders-api", Event("old", Now.AddDays(-6)));

        Assert.True(status == HttpStatusCode.Accepted, receipt.ToString());
        Assert.Equal(1, receipt.GetProperty("accepted").GetInt32());
        Assert.Equal(1, await TotalRequestsAsync(app, Now.AddDays(-7)));
    }

    /// <summary>The app at <see cref="Now"/>; over budget, every nightly run rolls raw data older than a day up early.</summary>
    private Task<TestApp> StartAsync(bool overBudget)
    {
        var settings = new Dictionary<string, string?> { ["Storage:Prefix"] = SharedAzurite.UniquePrefix() };
        if (overBudget) (settings["Alerts:RowBudget"], settings["Alerts:EarlyRollUp"]) = ("1", "true");
        return TestApp.StartAsync(azurite.ConnectionString, settings, new SharedClock(Now));
    }

    private static JsonObject Event(string id, DateTimeOffset at) => Batches.RequestJson(id, at, "/api/orders", "GET", 200, 12.5);

    private static Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(TestApp app, string service, params JsonObject[] events) =>
        PostToAsync(app, "/api/ingest/requests", new JsonObject { ["service"] = service, ["events"] = new JsonArray(events) });

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostToAsync(TestApp app, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("x-metrics-key", TestApp.IngestKey);
        request.Headers.Add("Origin", TestApp.Origin);
        request.Headers.TryAddWithoutValidation("User-Agent", TestApp.BrowserUserAgent);
        using var response = await app.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Length > 0, $"{(int)response.StatusCode} with no body");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static async Task<long> TotalRequestsAsync(TestApp app, DateTimeOffset? from = null)
    {
        var answer = await app.AnswerAsync($"/api/metrics/breakdown?by=service&from={StoredState.Iso(from ?? Now.AddDays(-3))}&to={StoredState.Iso(Now)}");
        return JsonDocument.Parse(answer).RootElement.GetProperty("totals").GetProperty("requests").GetInt64();
    }
}
