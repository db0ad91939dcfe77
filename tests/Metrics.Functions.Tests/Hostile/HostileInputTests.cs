using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Metrics.Functions.Tests.Ingest;
using Metrics.Functions.Tests.Security;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Tests.Shared;
using Xunit.Abstractions;

namespace Metrics.Functions.Tests.Hostile;

/// <summary>
/// The contract's promise on bad input, held over generated hostile requests to every route: never a 5xx, every refusal
/// a problem of a documented type with a detail, the app healthy afterwards; and a bad event costs only itself.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HostileInputTests(SharedAzurite azurite, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Inputs per run of the suite: tens of thousands, in about a minute here.</summary>
    private const int Inputs = 20_000;

    /// <summary>Hostile OTLP exports per run, beside the other routes' inputs.</summary>
    private const int OtlpInputs = 4_000;

    /// <summary>Seeds that once got a 5xx or an undocumented answer, run first on every run (106, 183: a broken br body was a 500).</summary>
    private static readonly int[] Regressions = [106, 183];

    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString,
        new Dictionary<string, string?> { ["Ingest:BeaconsPerMinute"] = "1000000" });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Generated_hostile_requests_to_every_route_get_no_5xx_and_every_refusal_is_a_documented_problem()
    {
        var statuses = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentQueue<string>();
        var seeds = Regressions.Concat(Enumerable.Range(1, Inputs));
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(seeds, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (seed, cancellationToken) =>
        {
            var request = HostileRequests.Make(seed);
            using var response = await SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, count) => count + 1);
            if (await FaultOfAsync(response) is { } fault) failures.Enqueue($"{request}: {status} {fault}");
        });

        output.WriteLine($"{Inputs + Regressions.Length:N0} hostile requests in {started.Elapsed.TotalSeconds:F0} s; statuses: " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value:N0}")));
        Assert.True(failures.IsEmpty, $"{failures.Count} answers broke the contract; the first:\n{string.Join('\n', failures.Take(10))}");
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.GetAsync("/api/health")).StatusCode);
        Assert.Equal(Inputs + Regressions.Length, statuses.Values.Sum());
    }

    /// <summary>The OTLP route on its own: hostile exports, protobuf and JSON, are answered 200 (partial success) or a documented 4xx.</summary>
    [Fact]
    public async Task Generated_hostile_OTLP_exports_get_no_5xx_and_every_refusal_is_a_documented_problem()
    {
        var statuses = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(Enumerable.Range(1, OtlpInputs), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (seed, cancellationToken) =>
        {
            var request = HostileRequests.MakeOtlp(seed);
            using var response = await SendAsync(request, cancellationToken);
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, count) => count + 1);
            if (await FaultOfAsync(response) is { } fault) failures.Enqueue($"{request}: {(int)response.StatusCode} {fault}");
        });

        output.WriteLine($"{OtlpInputs:N0} hostile OTLP exports; statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value:N0}")));
        Assert.True(failures.IsEmpty, $"{failures.Count} answers broke the contract; the first:\n{string.Join('\n', failures.Take(10))}");
        Assert.True(statuses.GetValueOrDefault(200) > 0, "no export was taken: the valid exports are not valid");
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.GetAsync("/api/health")).StatusCode);
    }

    /// <summary>
    /// Each batch holds valid events and events spoilt one way each; sent twice, as a client retries. Every valid event
    /// is stored exactly once; every spoilt one is listed with its reason, both times.
    /// </summary>
    [Fact]
    public async Task Valid_events_in_partly_hostile_batches_are_stored_exactly_once_and_the_others_rejected_with_reasons()
    {
        string[] spoilers =
        [
            "\"status\":\"200\"", "\"status\":200,\"status\":500", "\"durationMs\":1e400", "\"endpoint\":\"\\ud800\"", "\"userId\":\"a\\u0000b\"",
            "\"timestamp\":\"2026-13-45T99:99:99Z\"", "\"method\":[\"GET\"]", "\"units\":-1", "\"country\":{\"code\":\"ES\"}", "\"id\":\"a/b\"",
        ];
        var valid = new List<string>();
        for (var batch = 0; batch < 20; batch++)
        {
            var events = new List<string>();
            for (var i = 0; i < spoilers.Length; i++)
            {
                var id = $"pv-{batch}-{i}";
                valid.Add(id);
                events.Add(HostileRequests.RequestEvent(id));
                var spoilt = HostileRequests.RequestEvent($"bad-{batch}-{i}");
                var field = spoilers[i][..(spoilers[i].IndexOf(':', StringComparison.Ordinal) + 1)];
                var start = spoilt.IndexOf(field, StringComparison.Ordinal);
                var end = spoilt.IndexOfAny([',', '}'], start + field.Length);
                events.Add(spoilt[..start] + spoilers[i] + spoilt[end..]);
            }
            var body = $$"""{"service":"partly-valid","events":[{{string.Join(",", events)}}]}""";
            for (var attempt = 0; attempt < 2; attempt++)
            {
                using var response = await _app.Client.PostRequestsAsync(body);
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
                var receipt = JsonDocument.Parse(text).RootElement;
                Assert.Equal(spoilers.Length, receipt.GetProperty("accepted").GetInt32());
                var rejected = receipt.GetProperty("rejected").EnumerateArray().ToList();
                Assert.Equal(spoilers.Length, rejected.Count);
                Assert.All(rejected, r => Assert.Equal(1, r.GetProperty("index").GetInt32() % 2));
                Assert.All(rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("reason").GetString())));
            }
        }

        var stored = (await _app.Storage.AllAsync(TableNames.RequestEvents)).GroupBy(row => row.RowKey).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(valid.Select(id => $"partly-valid:{id}").Order(StringComparer.Ordinal), stored.Keys.Order(StringComparer.Ordinal));
        Assert.All(stored.Values, count => Assert.Equal(1, count));
    }

    /// <summary>
    /// What the HTTP server refuses before any code of the app runs (Kestrel here, Azure's front end in Azure) is its
    /// answer, with no body: a NUL in the path, a request line over 8 KB. Never a 5xx, never reaching a function.
    /// </summary>
    [Theory]
    [InlineData("/api/exports/a%00b", HttpStatusCode.BadRequest)]
    [InlineData("/api/metrics/performance?range=", HttpStatusCode.RequestUriTooLong)]
    public async Task Requests_the_HTTP_server_refuses_never_reach_a_function(string path, HttpStatusCode status)
    {
        if (path.EndsWith('=')) path += new string('x', 9 * 1024);
        using var response = await _app.Client.GetAsAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.GetAsync("/api/health")).StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HostileRequest hostile, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(hostile.Method, hostile.Path);
        if (hostile.Body is not null)
        {
            request.Content = new ByteArrayContent(hostile.Body);
            if (!string.IsNullOrEmpty(hostile.ContentType) && MediaTypeHeaderValue.TryParse(hostile.ContentType, out var type)) request.Content.Headers.ContentType = type;
            else if (!string.IsNullOrEmpty(hostile.ContentType)) request.Content.Headers.TryAddWithoutValidation("Content-Type", hostile.ContentType);
            if (hostile.ContentEncoding is { } encoding) request.Content.Headers.TryAddWithoutValidation("Content-Encoding", encoding);
        }
        if (hostile.Key is { } key) request.Headers.TryAddWithoutValidation("x-metrics-key", key);
        if (hostile.AsAdmin) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestApp.AdminKey);
        request.Headers.TryAddWithoutValidation("Origin", TestApp.Origin);
        request.Headers.TryAddWithoutValidation("User-Agent", TestApp.BrowserUserAgent);
        return await _app.Client.SendAsync(request, cancellationToken);
    }

    /// <summary>What is wrong with an answer, or null: a 5xx, or a 4xx that is not a documented problem with a detail.</summary>
    private static async Task<string?> FaultOfAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        if (status >= 500) return text.Length > 300 ? text[..300] : text;
        if (status < 400) return null;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"not problem+json: '{response.Content.Headers.ContentType}' {text}";
        try
        {
            var problem = JsonDocument.Parse(text).RootElement;
            var type = problem.GetProperty("type").GetString();
            if (type is null || !ProblemTypes.Documented.Contains(type)) return $"type '{type}' is not in docs/problems.md";
            if (problem.GetProperty("status").GetInt32() != status) return "its status is not the answer's";
            return string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()) ? "no detail" : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"not a problem: {e.Message}: {text}";
        }
    }
}
