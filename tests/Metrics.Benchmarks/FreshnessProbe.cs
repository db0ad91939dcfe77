using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Metrics.Benchmarks;

/// <summary>
/// How long an accepted event takes to show in a query, end to end over HTTP against the real app: one event
/// is POSTed, and from its 202 the performance query is asked until its request count includes it.
/// </summary>
internal static class FreshnessProbe
{
    private const string IngestKey = "bench-ingest";

    public sealed record Result(int Samples, double MedianMs, double MaxMs, int MaxPolls);

    public static async Task<Result> MeasureAsync(string connectionString, int samples)
    {
        await using var app = await HostedApp.StartAsync(connectionString, "fresh", IngestKey, shards: 8);
        using var http = app.CreateAdminClient();
        var events = new SyntheticRequests("fresh-api", "fresh", DateTimeOffset.UtcNow);
        var delays = new List<double>();
        var maxPolls = 0;
        for (var i = 0; i < samples; i++)
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, BatchPoster.Route) { Content = new ByteArrayContent(events.Batch(i, 1)) };
            post.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            post.Headers.Add(BatchPoster.KeyHeader, IngestKey);
            using var accepted = await http.SendAsync(post);
            if (accepted.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"ingest answered {(int)accepted.StatusCode}");

            var watch = Stopwatch.StartNew();
            var polls = 0;
            while (await RequestsAsync(http) < i + 1)
            {
                if (++polls > 1000) throw new InvalidOperationException($"event {i} not visible after 1000 queries");
            }
            delays.Add(watch.Elapsed.TotalMilliseconds);
            maxPolls = Math.Max(maxPolls, polls + 1);
        }
        return new Result(samples, delays.Order().ElementAt(samples / 2), delays.Max(), maxPolls);
    }

    private static async Task<long> RequestsAsync(HttpClient http)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/metrics/performance?range=24h&service=fresh-api");
        using var response = await http.SendAsync(get);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return json.RootElement.GetProperty("summary").GetProperty("requests").GetInt64();
    }
}
