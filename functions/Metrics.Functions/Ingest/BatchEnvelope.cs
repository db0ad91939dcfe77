using System.Text.Json;
using Metrics.Core.Ingestion;
using Metrics.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Ingest;

/// <summary>The outside of a batch: who sends it (<c>service</c> or <c>site</c>) and its <c>events</c> array.</summary>
internal static class BatchEnvelope
{
    public static (string Source, JsonElement Events, ProblemHttpResult? Problem) Read(JsonElement root, string sourceName)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return Invalid($"The body must be a JSON object with '{sourceName}' and 'events'.");
        // Each event is checked on its own (a bad one is rejected, the rest kept); the envelope's own fields here.
        if (JsonHazards.Find(root, skip: "events") is { } hazard) return Invalid($"The batch cannot be read: {hazard}.");
        var source = root.TryGetProperty(sourceName, out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : null;
        if (!SourceNames.IsValid(source))
            return Invalid($"'{sourceName}' is required: {SourceNames.Rule}.");
        if (!root.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
            return Invalid("'events' is required and must be an array.");
        var count = events.GetArrayLength();
        if (count == 0) return Invalid("'events' is empty: send at least one event.");
        if (count > IngestLimits.MaxBatchSize)
            return (source, default, Problems.Of(StatusCodes.Status413PayloadTooLarge, "batch-too-large", "Too many events in one batch",
                $"A batch may hold at most {IngestLimits.MaxBatchSize} events; this one has {count}. Split it into smaller batches.",
                new Dictionary<string, object?> { ["maxBatchSize"] = IngestLimits.MaxBatchSize, ["received"] = count }));
        return (source, events, null);
    }

    private static (string, JsonElement, ProblemHttpResult?) Invalid(string detail) =>
        ("", default, Problems.Of(StatusCodes.Status400BadRequest, "invalid-batch", "The batch is not valid", detail));
}
