using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Exports;
using Metrics.Functions.Tests.Ingest;
using Metrics.Functions.Tests.Nightly;
using Metrics.Functions.Tests.Security;
using Metrics.Storage.Admin;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Operations;

/// <summary>
/// /api/ops/metrics (docs/operations.md): each family appears with its labels once the action that moves it has
/// happened, moved by exactly what the action did, and the scrape itself moves nothing.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SelfMetricsTests(SharedAzurite azurite)
{
    private const string StorageRequests = "metrics_storage_request_duration_seconds_count";

    private static DateTimeOffset Now => DateTimeOffset.UtcNow.AddMinutes(-1);

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(TestApp.FinanceKey, HttpStatusCode.Forbidden)]
    [InlineData(TestApp.IngestKey, HttpStatusCode.Forbidden)]
    public async Task The_metrics_are_for_an_admin_only(string? key, HttpStatusCode expected)
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);

        using var response = await app.Client.GetAsAsync("/api/ops/metrics", key);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("metrics_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ingested_batch_moves_the_ingestion_and_request_families_by_exactly_what_it_did()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);
        var before = await Scrape.TakeAsync(app);
        var tooOld = Batches.RequestEvent(3, DateTimeOffset.UtcNow.AddDays(-8));
        var missing = Batches.RequestEvent(4, Now);
        missing.Remove("endpoint");
        var batch = Batches.Requests("orders-api", [Batches.RequestEvent(1, Now, "same"), Batches.RequestEvent(2, Now, "same"), Batches.RequestEvent(5, Now), tooOld, missing]);

        Assert.Equal(HttpStatusCode.Accepted, (await app.Client.PostRequestsAsync(batch)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.PostRequestsAsync(batch, key: "wrong")).StatusCode);
        var after = await Scrape.TakeAsync(app);

        double Moved(string name, params string[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
        Assert.Equal(2, Moved("metrics_ingest_events_total", "kind=requests", "outcome=accepted", "reason="));
        Assert.Equal(1, Moved("metrics_ingest_events_total", "kind=requests", "outcome=duplicate"));
        Assert.Equal(1, Moved("metrics_ingest_events_total", "kind=requests", "outcome=rejected", "reason=too_old"));
        Assert.Equal(1, Moved("metrics_ingest_events_total", "kind=requests", "outcome=rejected", "reason=missing_field"));
        Assert.Equal(5, Moved("metrics_ingest_events_total", "kind=requests"));
        Assert.Equal(1, Moved("metrics_http_requests_total", "function=IngestRequests", "method=POST", "status_class=2xx"));
        Assert.Equal(1, Moved("metrics_http_requests_total", "function=IngestRequests", "method=POST", "status_class=4xx"));
        Assert.Equal(1, Moved("metrics_http_request_duration_seconds_count", "function=IngestRequests", "status_class=2xx"));
        Assert.Equal(1, Moved("metrics_http_request_duration_seconds_bucket", "function=IngestRequests", "status_class=2xx", "le=+Inf"));
        Assert.True(after.Sum("metrics_http_request_duration_seconds_sum", "function=IngestRequests") > 0);
        Assert.Equal(0, after.Sum("metrics_http_requests_in_flight", "function=IngestRequests"));
        Assert.True(Moved("metrics_storage_request_duration_seconds_count", "service=table", "operation=batch") >= 1);
        Assert.Equal(1, after.Sum("metrics_storage_up"));
        Assert.Single(after.Series("metrics_source_freshness_lag_seconds", "source=requests"));
        Assert.InRange(after.Sum("metrics_source_freshness_lag_seconds", "source=requests"), 0, 3600);
    }

    [Fact]
    public async Task Scraping_moves_nothing_and_the_build_and_process_are_described()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);
        // The export runner's startup scan reads storage once, on its own schedule: wait until it has been counted.
        var first = await Scrape.TakeAsync(app);
        for (var waited = Stopwatch.StartNew(); first.Sum(StorageRequests) == 0 && waited.Elapsed < TimeSpan.FromSeconds(30);)
            first = await Scrape.TakeAsync(app);
        await Scrape.TakeAsync(app);

        var scrape = await Scrape.TakeAsync(app);

        Assert.Empty(scrape.Series("metrics_http_requests_total", "function=OpsMetrics"));
        Assert.Empty(scrape.Series("metrics_http_requests_in_flight", "function=OpsMetrics"));
        // Each scrape reads storage (freshness, export jobs), uncounted.
        Assert.Equal(first.Sum(StorageRequests), scrape.Sum(StorageRequests));
        // Counters are per instance: every series says which one, so instances behind one URL stay apart.
        var instance = Assert.Single(scrape.Samples.Select(s => s.Labels.GetValueOrDefault("service_instance_id")).Distinct());
        Assert.True(Guid.TryParse(instance, out _), instance);
        var info = Assert.Single(scrape.Series("metrics_service_info"));
        Assert.Equal(1, info.Value);
        Assert.False(string.IsNullOrEmpty(info.Labels["version"]));
        Assert.False(string.IsNullOrEmpty(info.Labels["commit"]));
        Assert.True(scrape.Sum("metrics_process_memory_bytes", "type=working_set") > 0);
        Assert.True(scrape.Sum("metrics_process_memory_bytes", "type=gc_heap") > 0);
        Assert.True(scrape.Sum("metrics_process_memory_bytes", "type=vms") >= scrape.Sum("metrics_process_memory_bytes", "type=rss"));
        Assert.True(scrape.Sum("metrics_process_memory_bytes", "type=rss") > 0);
        Assert.Equal(0, scrape.Sum("metrics_export_jobs", "status=queued"));
        Assert.Single(scrape.Series("metrics_export_jobs", "status=running"));
        Assert.Equal(1, scrape.Sum("metrics_storage_up"));
        Assert.DoesNotContain(await app.Storage.AllAsync(AdminTables.Audit), row => row.GetString("Path")?.Contains("ops/metrics", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_nightly_run_reports_its_outcome_duration_and_the_rows_against_the_budget()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);
        await app.Client.PostRequestsAsync(Batches.Requests("orders-api", 3, Now));

        await app.RunTimerAsync(TimerCalls.Nightly);
        var scrape = await Scrape.TakeAsync(app);

        Assert.Equal(1, scrape.Sum("metrics_timer_runs_total", "function=NightlyAggregation", "outcome=succeeded"));
        Assert.Equal(1, scrape.Sum("metrics_timer_run_duration_seconds_count", "function=NightlyAggregation", "outcome=succeeded"));
        Assert.InRange(scrape.Sum("metrics_timer_last_success_seconds", "function=NightlyAggregation"),
            DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        Assert.True(scrape.Sum("metrics_storage_rows", "table=raw") >= 3);
        Assert.Equal(scrape.Sum("metrics_storage_rows", "table=raw") + scrape.Sum("metrics_storage_rows", "table=rollup"),
            scrape.Sum("metrics_storage_rows", "table=total"));
        Assert.True(scrape.Sum("metrics_storage_budget_bytes") > 0);
        Assert.Empty(scrape.Series("metrics_http_requests_total", "function=NightlyAggregation"));
    }

    [Fact]
    public async Task A_finished_export_is_counted_by_outcome()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);

        await app.Client.ExportAndWaitAsync(new JsonObject { ["kind"] = "breakdown" });

        // The job's row says succeeded a moment before the runner counts it.
        var scrape = await Scrape.TakeAsync(app);
        for (var waited = Stopwatch.StartNew(); scrape.Sum("metrics_export_jobs_finished_total", "outcome=succeeded") == 0 && waited.Elapsed < ExportCalls.MaxWait;)
            scrape = await Scrape.TakeAsync(app);
        Assert.Equal(1, scrape.Sum("metrics_export_jobs_finished_total", "outcome=succeeded"));
        Assert.Equal(0, scrape.Sum("metrics_export_jobs_finished_total", "outcome=failed"));
        Assert.Equal(1, scrape.Sum("metrics_http_requests_total", "function=ExportsCreate", "method=POST", "status_class=2xx"));
    }

    [PromtoolFact]
    public async Task Promtool_accepts_the_output()
    {
        var promtool = Promtool.Path ?? throw new InvalidOperationException("promtool is required under CI=true: .ci/run installs it");
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);
        await app.Client.PostRequestsAsync(Batches.Requests("orders-api", 3, Now));
        await app.RunTimerAsync(TimerCalls.Nightly);
        var scrape = await Scrape.TakeAsync(app);

        var (exitCode, output) = await Promtool.CheckMetricsAsync(promtool, scrape.Text);

        Assert.True(exitCode == 0, output);
        Assert.Equal("", output.Trim());
    }
}
