using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Operations;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Ingest;

[Collection(AzuriteCollection.Name)]
public sealed class RequestIngestionTests(SharedAzurite azurite) : IAsyncLifetime
{
    private TestApp _app = null!;
    private static DateTimeOffset Now => DateTimeOffset.UtcNow.AddMinutes(-1);

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Accepted_batch_is_stored_with_types_and_normalised_endpoints()
    {
        var response = await _app.Client.PostRequestsAsync(Batches.Requests("orders-api", 3, Now));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = await response.ReadJsonAsync();
        Assert.Equal(3, receipt.GetProperty("accepted").GetInt32());
        Assert.Equal(0, receipt.GetProperty("duplicates").GetInt32());
        Assert.Empty(receipt.GetProperty("rejected").EnumerateArray());

        var rows = await _app.Storage.AllAsync(TableNames.RequestEvents);
        Assert.Equal(3, rows.Count);
        var first = rows.Single(r => r.RowKey == "orders-api:evt-0");
        Assert.Equal("/api/orders/{id}", first.GetString("Endpoint"));
        Assert.Equal(500, first.GetInt32("Status"));
        Assert.Equal(10.5, first.GetDouble("DurationMs"));
        Assert.Equal(1000L, first.GetInt64("Units"));
        Assert.Equal("ES", first.GetString("Country"));
        Assert.Equal("async", first.GetString("Invocation"));
        Assert.Matches(@"^\d{10}-\d{2}$", first.PartitionKey);
        Assert.StartsWith(Now.UtcDateTime.ToString("yyyyMMddHH"), first.PartitionKey);
        Assert.NotNull(first.GetDateTimeOffset("OccurredAt"));
    }

    [Fact]
    public async Task Replayed_batch_is_stored_once()
    {
        var batch = Batches.Requests("orders-api", 250, Now);

        var first = await _app.Client.PostRequestsAsync(batch);
        var replay = await _app.Client.PostRequestsAsync(batch);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(250, (await _app.Storage.AllAsync(TableNames.RequestEvents)).Count);
    }

    [Fact]
    public async Task Events_without_ids_get_content_ids_so_a_replay_is_stored_once()
    {
        var events = Enumerable.Range(0, 5).Select(i => { var e = Batches.RequestEvent(i, Now); e.Remove("id"); return (JsonNode)e; });
        var batch = Batches.Requests("orders-api", events);

        await _app.Client.PostRequestsAsync(batch);
        await _app.Client.PostRequestsAsync(batch);

        var rows = await _app.Storage.AllAsync(TableNames.RequestEvents);
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.StartsWith("orders-api:h-", r.RowKey));
    }

    [Fact]
    public async Task Repeated_ids_inside_a_batch_are_counted_as_duplicates_and_stored_once()
    {
        var batch = Batches.Requests("orders-api", [Batches.RequestEvent(1, Now, "same"), Batches.RequestEvent(2, Now, "same"), Batches.RequestEvent(3, Now, "other")]);

        var receipt = await (await _app.Client.PostRequestsAsync(batch)).ReadJsonAsync();

        Assert.Equal(2, receipt.GetProperty("accepted").GetInt32());
        Assert.Equal(1, receipt.GetProperty("duplicates").GetInt32());
        Assert.Equal(2, (await _app.Storage.AllAsync(TableNames.RequestEvents)).Count);
    }

    [Fact]
    public async Task Invalid_events_are_listed_with_reasons_and_the_valid_ones_stored()
    {
        var tooOld = Batches.RequestEvent(2, DateTimeOffset.UtcNow.AddDays(-8));
        var future = Batches.RequestEvent(3, DateTimeOffset.UtcNow.AddHours(1));
        var badStatus = Batches.RequestEvent(4, Now); badStatus["status"] = 700;
        var negative = Batches.RequestEvent(5, Now); negative["durationMs"] = -1;
        var missing = Batches.RequestEvent(6, Now); missing.Remove("endpoint");
        var wrongType = Batches.RequestEvent(7, Now); wrongType["status"] = "ok";
        var longUser = Batches.RequestEvent(8, Now); longUser["userId"] = new string('u', 300);
        var batch = Batches.Requests("orders-api", [Batches.RequestEvent(1, Now), tooOld, future, badStatus, negative, missing, wrongType, longUser, JsonValue.Create(42)]);

        var response = await _app.Client.PostRequestsAsync(batch);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = (await response.ReadJsonAsync()).GetProperty("rejected").EnumerateArray().ToList();
        var rejected = receipt.ToDictionary(r => r.GetProperty("index").GetInt32(), r => r.GetProperty("reason").GetString()!);
        Assert.Equal(["too_old", "in_future", "invalid_value", "invalid_value", "missing_field", "invalid_value", "too_long", "not_an_object"],
            receipt.OrderBy(r => r.GetProperty("index").GetInt32()).Select(r => r.GetProperty("code").GetString()));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], rejected.Keys.Order());
        Assert.Contains("older than the raw retention", rejected[1]);
        Assert.Contains("in the future", rejected[2]);
        Assert.Contains("status must be between 100 and 599", rejected[3]);
        Assert.Contains("durationMs must be between 0", rejected[4]);
        Assert.Equal("endpoint is required", rejected[5]);
        Assert.Equal("status must be a whole number", rejected[6]);
        Assert.Contains("userId is longer than 256", rejected[7]);
        Assert.Equal("event must be a JSON object", rejected[8]);
        Assert.Single(await _app.Storage.AllAsync(TableNames.RequestEvents));
    }

    [Fact]
    public async Task Batch_with_no_valid_event_is_a_400_problem_listing_each_reason()
    {
        var bad = Batches.RequestEvent(1, Now); bad["method"] = "FETCH";

        var response = await _app.Client.PostRequestsAsync(Batches.Requests("orders-api", [bad]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Contains("method 'FETCH' is not an HTTP method", problem.GetProperty("detail").GetString());
        Assert.Single(problem.GetProperty("rejected").EnumerateArray());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/requests")
            { Content = new StringContent("{\"service\": \"a\", \"events\": [", Encoding.UTF8, "application/json") };
        request.Headers.Add("x-metrics-key", TestApp.IngestKey);

        var response = await _app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not valid JSON", (await response.ReadJsonAsync()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Batch_over_1000_events_is_rejected_with_413_and_counts()
    {
        var response = await _app.Client.PostRequestsAsync(Batches.Requests("orders-api", 1001, Now));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(1000, problem.GetProperty("maxBatchSize").GetInt32());
        Assert.Equal(1001, problem.GetProperty("received").GetInt32());
        Assert.Empty(await _app.Storage.AllAsync(TableNames.RequestEvents));
    }

    [Fact]
    public async Task Body_over_4_MiB_is_rejected_with_413()
    {
        var padded = Batches.Requests("orders-api", 1, Now);
        padded["padding"] = new string('x', 4 * 1024 * 1024);

        var response = await _app.Client.PostRequestsAsync(padded);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(4 * 1024 * 1024, (await response.ReadJsonAsync()).GetProperty("maxBodyBytes").GetInt32());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Missing_or_wrong_ingestion_key_is_401(string? key)
    {
        var response = await _app.Client.PostRequestsAsync(Batches.Requests("orders-api", 1, Now), key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Invalid_service_name_is_a_400_problem()
    {
        var response = await _app.Client.PostRequestsAsync(Batches.Requests("orders api/../x", 1, Now));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'service' is required", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Each_touched_hour_is_marked_dirty_for_the_rollups()
    {
        var hourAgo = Now.AddHours(-1);
        var batch = Batches.Requests("orders-api", [Batches.RequestEvent(1, Now), Batches.RequestEvent(2, hourAgo)]);

        await _app.Client.PostRequestsAsync(batch);

        var marks = await _app.Storage.AllAsync(TableNames.DirtyHours);
        Assert.Equal(
            new[] { hourAgo, Now }.Select(t => t.UtcDateTime.ToString("yyyyMMddHH")).Distinct().Order(),
            marks.Where(m => m.PartitionKey == "requests").Select(m => m.RowKey).Order());
    }

    [Fact]
    public async Task Ops_metrics_count_accepted_duplicate_and_rejected_events()
    {
        var bad = Batches.RequestEvent(3, Now); bad["status"] = 99;
        await _app.Client.PostRequestsAsync(Batches.Requests("orders-api", [Batches.RequestEvent(1, Now, "a"), Batches.RequestEvent(2, Now, "a"), bad]));

        var scrape = await Scrape.TakeAsync(_app);

        Assert.Equal(1, scrape.Sum("metrics_ingest_events_total", "kind=requests", "outcome=accepted", "reason="));
        Assert.Equal(1, scrape.Sum("metrics_ingest_events_total", "kind=requests", "outcome=duplicate", "reason="));
        Assert.Equal(1, scrape.Sum("metrics_ingest_events_total", "kind=requests", "outcome=rejected", "reason=invalid_value"));
        Assert.Equal(1, scrape.Sum("metrics_http_request_duration_seconds_count", "function=IngestRequests"));
        Assert.True(scrape.Sum("metrics_storage_request_duration_seconds_count", "service=table") >= 1);
        Assert.Equal(0, scrape.Sum("metrics_storage_request_failures_total", "service=table"));
    }

    [Fact]
    public async Task Ops_metrics_show_the_last_run_of_a_timer()
    {
        using var run = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/RollupCompaction");
        run.Headers.Authorization = new("Bearer", TestApp.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.SendAsync(run)).StatusCode);

        var scrape = await Scrape.TakeAsync(_app);

        Assert.Equal(1, scrape.Sum("metrics_timer_runs_total", "function=RollupCompaction", "outcome=succeeded"));
        Assert.Single(scrape.Series("metrics_timer_last_success_seconds", "function=RollupCompaction"));
    }
}
