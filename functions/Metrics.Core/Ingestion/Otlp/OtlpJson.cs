using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Metrics.Core.Ingestion.Otlp;

/// <summary>
/// OTLP/HTTP's JSON encoding (<c>application/json</c>) of the trace service, as the OTLP specification defines it on
/// top of protobuf's JSON mapping: lowerCamelCase keys, trace and span ids as hex (not base64), enums as numbers (their
/// names are taken too), 64-bit integers as decimal strings or numbers. Unknown keys are ignored, as the specification
/// asks of receivers. A container of the wrong type makes the body undecodable (400); a span field of the wrong type
/// reads as absent, and the span is then rejected or ignored on its own.
/// </summary>
public static class OtlpJson
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public static TraceDecode ReadTraces(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, Options);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Failed("the body must be a JSON object with 'resourceSpans'");
            var spans = new List<ExportedSpan>();
            foreach (var resourceSpans in Array(root, "resourceSpans"))
            {
                if (resourceSpans.ValueKind != JsonValueKind.Object) return Failed("each of 'resourceSpans' must be an object");
                var resource = new SpanAttributes();
                if (resourceSpans.TryGetProperty("resource", out var r) && r.ValueKind == JsonValueKind.Object) ReadAttributes(r, resource);
                foreach (var scopeSpans in Array(resourceSpans, "scopeSpans"))
                foreach (var span in Array(scopeSpans, "spans"))
                {
                    if (span.ValueKind != JsonValueKind.Object) return Failed("each span must be an object");
                    spans.Add(ReadSpan(span, resource));
                }
            }
            return TraceDecode.Of(new TraceExport(spans));
        }
        catch (JsonException e)
        {
            return Failed($"it could not be parsed as JSON: {e.Message}");
        }
        catch (ShapeException e)
        {
            return Failed(e.Message);
        }
        catch (InvalidOperationException)
        {
            // JsonElement.GetString refuses an escaped lone surrogate ("\ud800"): text no UTF-8 can hold.
            return Failed("it holds a string that is not valid text (an escaped lone surrogate)");
        }
    }

    /// <summary>An <c>ExportTraceServiceResponse</c> in JSON: <c>{}</c>, or its <c>partialSuccess</c>.</summary>
    public static byte[] WriteResponse(ExportAnswer answer)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            if (!answer.IsFullSuccess)
            {
                json.WriteStartObject("partialSuccess");
                // int64 as a decimal string, as protobuf's JSON mapping writes it.
                if (answer.RejectedSpans != 0) json.WriteString("rejectedSpans", answer.RejectedSpans.ToString(CultureInfo.InvariantCulture));
                json.WriteString("errorMessage", answer.Message);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    private static TraceDecode Failed(string why) => TraceDecode.Failed($"The body is not an OTLP ExportTraceServiceRequest in JSON: {why}.");

    private static ExportedSpan ReadSpan(JsonElement span, SpanAttributes resource)
    {
        var attributes = new SpanAttributes();
        ReadAttributes(span, attributes);
        return new ExportedSpan(Hex(span, "traceId"), Hex(span, "spanId"), Kind(span), Nanos(span, "startTimeUnixNano"), Nanos(span, "endTimeUnixNano"),
            attributes, resource);
    }

    private static void ReadAttributes(JsonElement owner, SpanAttributes into)
    {
        foreach (var pair in Array(owner, "attributes"))
        {
            if (pair.ValueKind != JsonValueKind.Object || !pair.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String) continue;
            if (pair.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object && AnyValue(value) is { } scalar)
                into.Set(key.GetString()!, scalar);
        }
    }

    private static object? AnyValue(JsonElement value)
    {
        foreach (var field in value.EnumerateObject())
            switch (field.Name)
            {
                case "stringValue" when field.Value.ValueKind == JsonValueKind.String: return field.Value.GetString();
                case "boolValue" when field.Value.ValueKind is JsonValueKind.True or JsonValueKind.False: return field.Value.GetBoolean();
                case "intValue" when Int64(field.Value) is { } number: return number;
                case "doubleValue" when field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetDouble(out var number): return number;
            }
        return null;
    }

    /// <summary>The elements of an array property; absent or null is none, anything else is not the export's shape.</summary>
    private static JsonElement.ArrayEnumerator Array(JsonElement owner, string name)
    {
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return default;
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw new ShapeException($"'{name}' must be an array");
    }

    private static string Hex(JsonElement span, string name) =>
        span.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()!.ToLowerInvariant() : "";

    private static SpanKind Kind(JsonElement span)
    {
        if (!span.TryGetProperty("kind", out var value)) return SpanKind.Unspecified;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)) return (SpanKind)number;
        return value.ValueKind == JsonValueKind.String && value.GetString() is { } text && text.StartsWith("SPAN_KIND_", StringComparison.Ordinal)
            && Enum.TryParse<SpanKind>(text["SPAN_KIND_".Length..], ignoreCase: true, out var named) && !int.TryParse(text.AsSpan("SPAN_KIND_".Length), out _)
            ? named : SpanKind.Unspecified;
    }

    private static ulong Nanos(JsonElement span, string name)
    {
        if (!span.TryGetProperty(name, out var value)) return 0;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var number)) return number;
        return value.ValueKind == JsonValueKind.String && ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var text) ? text : 0;
    }

    private static long? Int64(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number
        : value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var text) ? text
        : null;

    /// <summary>A body that is JSON but not shaped as an export; caught in <see cref="ReadTraces"/>, never thrown out of it.</summary>
    private sealed class ShapeException(string message) : Exception(message);
}
