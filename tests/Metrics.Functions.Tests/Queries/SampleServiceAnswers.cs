namespace Metrics.Functions.Tests.Queries;

/// <summary>
/// What the app answers for the sample service's 41 requests, however the service sent them (our client's middleware or an
/// OpenTelemetry exporter): 30 order reads, 5 failures, 4 chats and 2 unknown paths; users ana 20, bo 15, cy 4.
/// </summary>
internal static class SampleServiceAnswers
{
    public static async Task AssertEndpointsAndUsersAsync(TestApp app, string service)
    {
        var performance = await app.Client.GetMetricsAsync("/api/metrics/performance?range=24h&service=" + service);
        Assert.Equal(41, performance.GetProperty("summary").GetProperty("requests").GetInt32());
        var endpoints = performance.GetProperty("endpoints").EnumerateArray().ToDictionary(
            e => $"{e.GetProperty("method").GetString()} {e.GetProperty("endpoint").GetString()}",
            e => (Requests: e.GetProperty("requests").GetInt32(), ErrorRate: e.GetProperty("errorRate").GetDouble()));
        Assert.Equal((30, 0.0), endpoints["GET /orders/{id}"]);
        Assert.Equal((5, 1.0), endpoints["GET /orders/{id}/fail"]);
        Assert.Equal((4, 0.0), endpoints["POST /chat"]);
        Assert.Equal((2, 1.0), endpoints["GET /nowhere/{id}"]);
        Assert.Equal(4, endpoints.Count);

        var users = (await app.Client.GetMetricsAsync("/api/metrics/breakdown?range=24h&by=user")).GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty("requests").GetInt32());
        Assert.Equal(20, users.Single(u => u.Key.EndsWith("ana", StringComparison.Ordinal)).Value);
        Assert.Equal(15, users.Single(u => u.Key.EndsWith("bo", StringComparison.Ordinal)).Value);
        Assert.Equal(4, users.Single(u => u.Key.EndsWith("cy", StringComparison.Ordinal)).Value);
    }
}
