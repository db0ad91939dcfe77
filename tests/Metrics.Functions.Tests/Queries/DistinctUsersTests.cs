using Metrics.Core.Sketches;
using Metrics.Tests.Shared;
using Xunit.Abstractions;
using static Metrics.Functions.Tests.Queries.MetricsCalls;

namespace Metrics.Functions.Tests.Queries;

/// <summary>Past 4,096 distinct users the counts come from HyperLogLog sketches merged across hours and rows: within 2%.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DistinctUsersTests(SharedAzurite azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Users = 5_000;
    private static readonly DateTimeOffset Now = new(2026, 6, 30, 21, 12, 0, TimeSpan.Zero);

    private readonly SharedClock _time = new(Now);
    private TestApp _app = null!;
    private Traffic _traffic = null!;

    public async Task InitializeAsync()
    {
        _app = await StoredTraffic.StartAppAsync(azurite, _time);
        _traffic = TrafficGenerator.Generate(new TrafficOptions
        {
            Seed = 5_000, Requests = 5_300, UsageEvents = 5_300, Users = Users, EveryUser = true, NoUserShare = 0.04, SignedInUsageShare = 0.97,
            AnonymousVisitors = 40, End = Now.AddMinutes(-1), Span = TimeSpan.FromHours(30),
        });
        await _traffic.PostAsync(_app.Client);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Users_above_the_exact_limit_are_counted_within_two_percent_before_and_after_compaction()
    {
        foreach (var stage in new[] { "live", "compacted" })
        {
            if (stage == "compacted") await _app.RunCompactionAsync();
            foreach (var range in new[] { "range=7d", $"from={Iso(Now.AddHours(-26))}" })
            {
                var what = $"{stage} {range}";
                var performance = await _app.Client.GetMetricsAsync($"/api/metrics/performance?{range}");
                var window = RangeOf(performance);
                var requests = new ExactRequests(_traffic.Requests.Where(window.Contains));
                var usage = _traffic.Usage.Where(window.Contains).ToList();
                Assert.True(requests.Users > DistinctCountSketch.ExactLimit, $"{what}: only {requests.Users} users");

                QueryAssert.Distinct(requests.Users, performance.GetProperty("summary").Long("activeUsers"), $"{what} performance activeUsers");
                var breakdown = await _app.Client.GetMetricsAsync($"/api/metrics/breakdown?{range}&by=service");
                QueryAssert.Distinct(requests.Users, breakdown.GetProperty("totals").Long("users"), $"{what} breakdown total users");
                foreach (var row in breakdown.Items("rows"))
                    QueryAssert.Distinct(new ExactRequests(_traffic.Requests.Where(window.Contains).Where(e => e.Service == row.Text("key"))).Users,
                        row.Long("users"), $"{what} breakdown users of {row.Text("key")}");
                QueryAssert.Distinct(requests.Users, (long)(await _app.Client.GetMetricsAsync($"/api/metrics/value?{range}&metric=users")).Decimal("value"),
                    $"{what} value users");

                var summary = (await _app.Client.GetMetricsAsync($"/api/metrics/usage?{range}")).GetProperty("summary");
                QueryAssert.Distinct(new ExactUsage(usage).Visitors, summary.Long("uniqueUsers"), $"{what} usage uniqueUsers");
                QueryAssert.Distinct(new ExactUsage(usage).Users, summary.Long("activeUsers"), $"{what} usage activeUsers");
                var overview = await _app.Client.GetMetricsAsync($"/api/metrics/overview?{range}");
                ExpectedAnswers.ActiveUsers(_traffic.Requests.Where(window.Contains).ToList(), usage, overview.GetProperty("activeUsers"), $"{what} overview");
                var signedIn = (await _app.Client.GetMetricsAsync($"/api/metrics/usage?{range}&includeAnonymous=false")).GetProperty("summary");
                QueryAssert.Distinct(new ExactUsage(usage.Where(e => !e.IsAnonymous)).Visitors, signedIn.Long("uniqueUsers"), $"{what} signed-in uniqueUsers");
            }
        }
        output.WriteLine(QueryAssert.Observed());
    }
}
