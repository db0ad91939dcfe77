using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Metrics.Client;

/// <summary>
/// Sends one batch to <c>POST /api/ingest/requests</c> until it is settled: acknowledged (202), refused for good (400, 401,
/// 403), or given up at shutdown. A 408, 429, 5xx, timeout or network error is retried with exponential backoff and
/// jitter, waiting what <c>Retry-After</c> asks where it asks; event ids make every retry safe.
/// </summary>
internal sealed partial class BatchSender
{
    public const string Route = "api/ingest/requests";
    public const string KeyHeader = "x-metrics-key";

    private readonly HttpClient _http;
    private readonly Uri _route;
    private readonly string _key;
    private readonly string _service;
    private readonly ClientInstruments _instruments;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private readonly ArrayBufferWriter<byte> _body = new(64 * 1024);
    private readonly Dictionary<string, string> _rooted = new(StringComparer.Ordinal);

    public BatchSender(HttpClient http, RequestMetricsOptions options, string service, ClientInstruments instruments, TimeProvider time, ILogger logger)
    {
        _http = http;
        _route = new Uri(options.Endpoint!, Route);
        _key = options.IngestionKey!;
        _service = service;
        _instruments = instruments;
        _logger = logger;
        _retry = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(response => IsTransient(response.StatusCode)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromMinutes(1),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time)),
                OnRetry = args =>
                {
                    _instruments.Retried.Add(1);
                    LogRetrying(_logger, args.Outcome.Result is { } answer ? (int)answer.StatusCode : 0, args.RetryDelay);
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(TimeSpan.FromSeconds(30))
            .Build();
    }

    public async Task SendAsync(IReadOnlyList<RequestMetric> batch, CancellationToken stop)
    {
        if (batch.Count == 0) return;
        var body = Serialize(batch);
        try
        {
            using var response = await _retry.ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _route) { Content = new ReadOnlyMemoryContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation(KeyHeader, _key);
                return await _http.SendAsync(request, token).ConfigureAwait(false);
            }, stop).ConfigureAwait(false);
            await SettleAsync(batch, response, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            _instruments.Dropped.Add(batch.Count);
            LogGaveUp(_logger, batch.Count);
        }
    }

    private async Task SettleAsync(IReadOnlyList<RequestMetric> batch, HttpResponseMessage response, CancellationToken stop)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.Accepted:
                using (var receipt = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(stop).ConfigureAwait(false)))
                {
                    var root = receipt.RootElement;
                    _instruments.Sent.Add(root.GetProperty("accepted").GetInt32() + root.GetProperty("duplicates").GetInt32());
                    var rejected = root.GetProperty("rejected").GetArrayLength();
                    if (rejected > 0)
                    {
                        _instruments.Rejected.Add(rejected);
                        LogRejected(_logger, rejected, root.GetProperty("rejected")[0].GetProperty("reason").GetString());
                    }
                }
                break;
            case HttpStatusCode.RequestEntityTooLarge when batch.Count > 1:
                // Too many bytes for one body (long fields): halves, each on its own.
                var half = batch.Count / 2;
                await SendAsync(batch.Take(half).ToList(), stop).ConfigureAwait(false);
                await SendAsync(batch.Skip(half).ToList(), stop).ConfigureAwait(false);
                break;
            case HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge:
                _instruments.Rejected.Add(batch.Count);
                LogRefused(_logger, batch.Count, (int)response.StatusCode, await response.Content.ReadAsStringAsync(stop).ConfigureAwait(false));
                break;
            default:
                // 401 or 403 (the key), or an answer this client does not know: sending the same again cannot help.
                _instruments.Dropped.Add(batch.Count);
                LogRefused(_logger, batch.Count, (int)response.StatusCode, await response.Content.ReadAsStringAsync(stop).ConfigureAwait(false));
                break;
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>What the app asked to wait, if it did; otherwise null leaves the backoff to choose.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time) => response?.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>
    /// The batch as the app takes it, written once (every attempt sends the same bytes) into one buffer the sender keeps:
    /// batches go one at a time, and a fresh 100 KB array for each would land on the large object heap of the service.
    /// Valid until the next call.
    /// </summary>
    internal ReadOnlyMemory<byte> Serialize(IReadOnlyList<RequestMetric> batch)
    {
        _body.ResetWrittenCount();
        using var json = new Utf8JsonWriter(_body);
        json.WriteStartObject();
        json.WriteString("service", _service);
        json.WriteStartArray("events");
        foreach (var e in batch)
        {
            json.WriteStartObject();
            json.WriteString("id", e.Id);
            json.WriteString("timestamp", e.Timestamp.ToUniversalTime());
            var endpoint = Rooted(e.Endpoint);
            json.WriteString("endpoint", endpoint);
            if (e.HasRoute) json.WriteString("route", endpoint);
            json.WriteString("method", e.Method);
            json.WriteNumber("status", e.Status);
            json.WriteNumber("durationMs", Math.Round(e.DurationMs, 3));
            if (e.UserId is not null) json.WriteString("userId", e.UserId);
            if (e.OrgId is not null) json.WriteString("orgId", e.OrgId);
            if (e.Country is not null) json.WriteString("country", e.Country);
            if (e.Model is not null) json.WriteString("model", e.Model);
            if (e.Units != 0) json.WriteNumber("units", e.Units);
            if (e.CpuMs != 0) json.WriteNumber("cpuMs", Math.Round(e.CpuMs, 3));
            if (e.GpuMs != 0) json.WriteNumber("gpuMs", Math.Round(e.GpuMs, 3));
            json.WriteString("invocation", e.Async ? "async" : "sync");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        return _body.WrittenMemory;
    }

    /// <summary>
    /// A template as written in code (<c>orders/{id}</c>) with its leading '/', made once per template: templates are
    /// few, and raw paths already start with '/'.
    /// </summary>
    private string Rooted(string endpoint)
    {
        if (endpoint.StartsWith('/')) return endpoint;
        if (!_rooted.TryGetValue(endpoint, out var rooted))
        {
            if (_rooted.Count >= 10_000) _rooted.Clear();
            _rooted[endpoint] = rooted = "/" + endpoint;
        }
        return rooted;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Sending request metrics failed ({Status}); trying again in {Delay}")]
    private static partial void LogRetrying(ILogger logger, int status, TimeSpan delay);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Count} request metrics were not sent before shutdown")]
    private static partial void LogGaveUp(ILogger logger, int count);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The metrics app rejected {Count} events; the first because {Reason}")]
    private static partial void LogRejected(ILogger logger, int count, string? reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "The metrics app refused a batch of {Count} events with {Status}: {Problem}")]
    private static partial void LogRefused(ILogger logger, int count, int status, string problem);
}
