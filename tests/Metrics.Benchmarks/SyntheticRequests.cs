using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Metrics.Core.Ingestion;

namespace Metrics.Benchmarks;

/// <summary>
/// Request metrics as a service would report them: event <c>i</c> is the same whether it is sent as JSON
/// to the ingest function or written straight to storage as the <see cref="RequestEvent"/> ingestion would
/// accept, so both paths store rows of the same size. Timestamps spread over the two hours before
/// <paramref name="now"/> (or <paramref name="spread"/>); ids are unique per run.
/// </summary>
internal sealed class SyntheticRequests(string service, string runId, DateTimeOffset now, TimeSpan? spread = null)
{
    private readonly TimeSpan Spread = spread ?? TimeSpan.FromHours(2);
    private static readonly string[] Models = ["gpt-small", "gpt-large", "embed-v2"];
    private static readonly string[] Countries = ["ES", "FR", "DE", "US", "BR"];

    public string Service => service;

    /// <summary>Event <c>i</c> as ingestion accepts it (its endpoint already a route template).</summary>
    public RequestEvent Event(int i) => new(
        Id: $"{runId}-{i:D8}",
        Service: service,
        Timestamp: now - TimeSpan.FromSeconds(1 + (i * 7919L % (long)Spread.TotalSeconds)),
        Endpoint: "/api/orders/{id}",
        Method: i % 4 == 0 ? "POST" : "GET",
        Status: i % 50 == 0 ? 500 : i % 10 == 0 ? 404 : 200,
        DurationMs: 5 + (i % 977) * 0.37,
        UserId: $"u-{i % 500}",
        OrgId: $"org-{i % 20}",
        Country: Countries[i % Countries.Length],
        Invocation: i % 3 == 0 ? Invocation.Async : Invocation.Sync,
        Model: Models[i % Models.Length],
        Units: 1000 + i % 4000,
        CpuMs: 3.25 + i % 7,
        GpuMs: i % 3 == 0 ? 12.5 : 0);

    /// <summary>The UTF-8 JSON body of a batch of events <c>first</c> .. <c>first + count - 1</c>.</summary>
    public byte[] Batch(int first, int count)
    {
        var buffer = new ArrayBufferWriter<byte>(count * 400);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("service", service);
            json.WriteStartArray("events");
            for (var i = first; i < first + count; i++) Write(json, i, Event(i));
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Consecutive batches of at most <paramref name="batchSize"/> covering events <c>first</c> .. <c>first + events - 1</c>.</summary>
    public List<byte[]> Batches(int first, int events, int batchSize) =>
        Enumerable.Range(0, (events + batchSize - 1) / batchSize)
            .Select(b => Batch(first + b * batchSize, Math.Min(batchSize, events - b * batchSize)))
            .ToList();

    private static void Write(Utf8JsonWriter json, int i, RequestEvent e)
    {
        json.WriteStartObject();
        json.WriteString("id", e.Id);
        json.WriteString("timestamp", e.Timestamp.ToString("O", CultureInfo.InvariantCulture));
        // A raw path, as a service sends it; ingestion turns it into the template of Event(i).
        json.WriteString("endpoint", $"/api/orders/{100_000 + i}");
        json.WriteString("method", e.Method);
        json.WriteNumber("status", e.Status);
        json.WriteNumber("durationMs", e.DurationMs);
        json.WriteString("userId", e.UserId);
        json.WriteString("orgId", e.OrgId);
        json.WriteString("country", e.Country);
        json.WriteString("invocation", e.Invocation == Invocation.Async ? "async" : "sync");
        json.WriteString("model", e.Model);
        json.WriteNumber("units", e.Units);
        json.WriteNumber("cpuMs", e.CpuMs);
        json.WriteNumber("gpuMs", e.GpuMs);
        json.WriteEndObject();
    }
}
