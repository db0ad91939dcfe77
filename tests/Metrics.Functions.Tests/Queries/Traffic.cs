using System.Net;
using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Ingest;

namespace Metrics.Functions.Tests.Queries;

/// <summary>Generated events, kept as sent, and how to send them.</summary>
internal sealed class Traffic(IReadOnlyList<SentRequest> requests, IReadOnlyList<SentUsage> usage)
{
    private const int MaxBatch = 1_000;
    private const int ParallelBatches = 4;

    public IReadOnlyList<SentRequest> Requests { get; } = requests;
    public IReadOnlyList<SentUsage> Usage { get; } = usage;

    /// <summary>Posts every event in batches of at most 1,000 (per service or per browser) and checks each receipt.</summary>
    public Task PostAsync(HttpClient client) => PostAsync(client, Requests, Usage);

    public static async Task PostAsync(HttpClient client, IEnumerable<SentRequest> requests, IEnumerable<SentUsage> usage)
    {
        // Batches follow time, as a service's would: each touches few hours, so its rows share partitions.
        var requestBatches = requests.GroupBy(e => e.Service)
            .SelectMany(service => service.OrderBy(e => e.Timestamp).Chunk(MaxBatch)
                .Select(chunk => (Func<Task>)(() => PostRequestBatchAsync(client, service.Key, chunk))));
        // The country is the request's, set by the front end: one browser's beacons from one country share a batch.
        var usageBatches = usage.GroupBy(e => (e.UserAgent, e.SentCountry))
            .SelectMany(browser => browser.OrderBy(e => e.Timestamp).Chunk(MaxBatch)
                .Select(chunk => (Func<Task>)(() => PostUsageBatchAsync(client, browser.Key.UserAgent, browser.Key.SentCountry, chunk))));
        await Parallel.ForEachAsync(requestBatches.Concat(usageBatches).ToList(), new ParallelOptions { MaxDegreeOfParallelism = ParallelBatches },
            async (post, _) => await post());
    }

    private static async Task PostRequestBatchAsync(HttpClient client, string service, SentRequest[] events)
    {
        using var response = await client.PostRequestsAsync(Batches.Requests(service, events.Select(e => (JsonNode)e.ToJson())));
        await ExpectAllAcceptedAsync(response, events.Length);
    }

    private static async Task PostUsageBatchAsync(HttpClient client, string userAgent, string? country, SentUsage[] events)
    {
        using var response = await client.PostUsageAsync(Batches.Usage(TestApp.Site, events.Select(e => (JsonNode)e.ToJson()).ToArray()), userAgent: userAgent,
            country: country);
        await ExpectAllAcceptedAsync(response, events.Length);
    }

    private static async Task ExpectAllAcceptedAsync(HttpResponseMessage response, int count)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        var receipt = JsonNode.Parse(body)!;
        Assert.True(receipt["accepted"]!.GetValue<int>() == count && receipt["rejected"]!.AsArray().Count == 0, body);
    }
}
