using System.Net;
using Metrics.Functions.Tests.Security;
using Metrics.Tests.Shared;
using static Metrics.Functions.Tests.Queries.MetricsCalls;

namespace Metrics.Functions.Tests.Queries;

/// <summary>
/// Traffic sent eight days ago and never compacted in time: compaction leaves hours past raw retention to the nightly
/// run, so until then queries recompute them from raw rows, and afterwards read the finalised rollups.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class UncompactedOlderDataTests(SharedAzurite azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 7, 20, 16, 22, 48, TimeSpan.Zero);
    private static readonly DateTimeOffset Then = Now.AddDays(-8);

    private readonly SharedClock _time = new(Then);
    private TestApp _app = null!;
    private Traffic _traffic = null!;

    public async Task InitializeAsync()
    {
        _app = await StoredTraffic.StartAppAsync(azurite, _time);
        await _app.Client.SetPricesAsync(TrafficGenerator.Prices);
        _traffic = TrafficGenerator.Generate(new TrafficOptions { Seed = 31, Requests = 800, UsageEvents = 300, End = Then.AddMinutes(-5), Span = TimeSpan.FromDays(1.5) });
        await _traffic.PostAsync(_app.Client);
        _time.SetUtcNow(Now);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Answers_are_the_same_from_raw_rows_after_compaction_skipped_them_and_after_the_nightly_run()
    {
        foreach (var stage in new[] { "dirty past raw retention", "after compaction", "after the nightly run" })
        {
            if (stage == "after compaction") await _app.RunCompactionAsync();
            if (stage == "after the nightly run")
            {
                using var nightly = await _app.Client.SendAsync(HttpMethod.Post, "/admin/functions/NightlyAggregation", TestApp.AdminKey);
                Assert.Equal(HttpStatusCode.OK, nightly.StatusCode);
            }
            foreach (var range in new[] { "range=30d", $"from={Iso(Then.AddHours(-20.5))}&to={Iso(Then.AddHours(-3.25))}" })
            {
                var context = $"{stage} {range}";
                var performance = await _app.Client.GetMetricsAsync($"/api/metrics/performance?{range}");
                var window = RangeOf(performance);
                ExpectedAnswers.Performance(_traffic.Requests.Where(window.Contains).ToList(), performance, context);
                ExpectedAnswers.Usage(_traffic.Usage.Where(window.Contains).ToList(), await _app.Client.GetMetricsAsync($"/api/metrics/usage?{range}"),
                    null, includeAnonymous: true, context);
                ExpectedAnswers.Breakdown(e => e.Service, _traffic.Requests.Where(window.Contains).ToList(),
                    await _app.Client.GetMetricsAsync($"/api/metrics/breakdown?{range}&by=service"), context);
            }
        }
    }
}
