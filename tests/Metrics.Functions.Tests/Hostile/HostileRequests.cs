using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Metrics.Functions.Tests.Hostile;

/// <summary>
/// Hostile requests for every route, each made from one seed (so a failure is reproduced from its seed alone): valid
/// bodies mutated byte by byte (flips, insertions of invalid UTF-8, surrogate halves, NUL, byte order marks, cuts,
/// repeats) or value by value (wrong JSON types, out-of-range numbers, escaped lone surrogates and controls, duplicated
/// fields, deep nesting, long text), under wrong or missing content types and encodings; and query strings and ids
/// made of the same material.
/// </summary>
internal static class HostileRequests
{
    private const string Marker = "\u0001hostile\u0001";

    private static readonly string[] Routes = ["requests", "usage", "roster", "prices", "exports", "query", "export-id", "requests-envelope"];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "text/plain", "application/xml", "*/*", "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded", "application/json; charset=utf-16", "text/csv", "application/problem+json", "", "json",
    ];

    private static readonly string[] ContentEncodings = ["gzip", "deflate", "br", "identity", "compress", "gzip, gzip", "x-unknown", "GZIP"];

    /// <summary>Values put where a valid one was: raw JSON text, so it can be what a serializer would never write.</summary>
    private static readonly string[] HostileValues =
    [
        "null", "true", "false", "0", "-1", "1e400", "-1e400", "9223372036854775808", "-9223372036854775809", "1.7976931348623157e309",
        "0.0000000000000000000000001", "[]", "{}", "[1,2,3]", "{\"a\":{\"b\":{}}}", "\"\"", "\" \"", "\"\\u0000\"", "\"a\\u0000b\"",
        "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud800\\ud800\"", "\"\\t\\r\\n\"", "\"\\u001f\"", "\"../../etc/passwd\"", "\"a/b\\\\c#d?e\"",
        "\"=cmd|' /C calc'!A0\"", "\"<script>alert(1)</script>\"", "\"\\u202e\"", "\"\u00e9\u4e2d\ud83d\ude00\"", "\"2026-13-45T99:99:99Z\"",
        "\"1970-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "12345678901234567890123456789", "\"NaN\"", "\"Infinity\"",
    ];

    private static readonly byte[][] HostileBytes =
    [
        [0x00], [0xFF], [0xFE], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xEF, 0xBB, 0xBF],
        "\\ud800"u8.ToArray(), "\\u0000"u8.ToArray(), "\""u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(),
        ","u8.ToArray(), ":"u8.ToArray(), "\\"u8.ToArray(), [0x0A], [0x09], [0x7F],
    ];

    public static HostileRequest Make(int seed)
    {
        var random = new Random(seed);
        var route = Routes[random.Next(Routes.Length)];
        return route switch
        {
            "requests" => Body(seed, random, "requests", HttpMethod.Post, "/api/ingest/requests", ValidRequests(), "application/json", TestApp.IngestKey, admin: false),
            "usage" => Body(seed, random, "usage", HttpMethod.Post, "/api/ingest/usage", ValidUsage(), random.Next(2) == 0 ? "text/plain" : "application/json", null, admin: false),
            "roster" => Body(seed, random, "roster", HttpMethod.Put, "/api/admin/roster", """{"members":["u-1","u-2","u-3"]}""", "application/json", null, admin: true),
            "prices" => Body(seed, random, "prices", HttpMethod.Put, "/api/admin/prices", """[{"model":"gpt-small","unitPrice":0.002},{"model":"m2","unitPrice":"1.5"}]""", "application/json", null, admin: true),
            "exports" => Body(seed, random, "exports", HttpMethod.Post, "/api/exports", """{"kind":"breakdown","by":"org","range":"7d"}""", "application/json", null, admin: true),
            "query" => Query(seed, random),
            // Not a NUL: the HTTP server refuses a path holding one before any code of the app runs (HostileInputTests).
            "export-id" => new HostileRequest(seed, "export id", HttpMethod.Get, "/api/exports/" + Uri.EscapeDataString(Text(random).Replace("\0", "", StringComparison.Ordinal)),
                null, null, null, null, AsAdmin: true),
            _ => Envelope(seed, random),
        };
    }

    /// <summary>
    /// A hostile OTLP trace export: a valid one (JSON, or protobuf as ASP.NET Core's instrumentation makes it: a server span and a
    /// client span) mutated as other bodies are, sometimes under the other encoding's content type. JSON is also mutated value by value.
    /// </summary>
    public static HostileRequest MakeOtlp(int seed)
    {
        var random = new Random(seed);
        var json = random.Next(2) == 0;
        var contentType = random.Next(6) == 0 ? (json ? "application/x-protobuf" : "application/json") : json ? "application/json" : "application/x-protobuf";
        return json
            ? Body(seed, random, "otlp json", HttpMethod.Post, "/api/otlp/v1/traces", Otlp.OtlpBodies.Export("fuzz-otlp-api", Otlp.OtlpBodies.ServerSpan(1),
                Otlp.OtlpBodies.ServerSpan(2, kind: 3)), contentType, TestApp.IngestKey, admin: false)
            : Body(seed, random, "otlp protobuf", HttpMethod.Post, "/api/otlp/v1/traces", "", contentType, TestApp.IngestKey, admin: false, binary: OtlpProtobuf());
    }

    /// <summary>
    /// An ExportTraceServiceRequest of service fuzz-otlp-api with a SERVER span of GET /orders/{id} (status 200, user u-1) and a
    /// CLIENT span, encoded once by hand from the public field numbers; its start and end are moved to a minute ago, so what
    /// survives a mutation is stored.
    /// </summary>
    private static byte[] OtlpProtobuf()
    {
        var body = Convert.FromBase64String(
            "Cu8CCiEKHwoMc2VydmljZS5uYW1lEg8KDWZ1enotb3RscC1hcGkSyQIKFgoUTWljcm9zb2Z0LkFzcE5ldENvcmUSzAEKEFuO//eYA4ED0mm2M4E/xgwSCO7hm37DwbF0KhBH" +
            "RVQgL29yZGVycy97aWR9MAI5AACaAHys7BhBILxYAXys7BhKHAoTaHR0cC5yZXF1ZXN0Lm1ldGhvZBIFCgNHRVRKHAoKaHR0cC5yb3V0ZRIOCgwvb3JkZXJzL3tpZH1KGAoI" +
            "dXJsLnBhdGgSDAoKL29yZGVycy80MkogChlodHRwLnJlc3BvbnNlLnN0YXR1c19jb2RlEgMYyAFKEAoHdXNlci5pZBIFCgN1LTESYAoQW47/95gDgQPSabYzgT/GDBIIAPBn" +
            "qgupArcqEEdFVCAvb3JkZXJzL3tpZH0wAzkAAJoAfKzsGEEgvFgBfKzsGEocChNodHRwLnJlcXVlc3QubWV0aG9kEgUKA0dFVA==");
        const ulong encodedStart = 1_796_000_000_000_000_000;
        var start = (ulong)(DateTimeOffset.UtcNow.AddMinutes(-1) - DateTimeOffset.UnixEpoch).Ticks * 100;
        Replace(body, encodedStart, start);
        Replace(body, encodedStart + 12_500_000, start + 12_500_000);
        return body;
    }

    private static void Replace(byte[] body, ulong from, ulong to)
    {
        var pattern = BitConverter.GetBytes(from);
        for (var at = body.AsSpan().IndexOf(pattern); at >= 0; at = body.AsSpan().IndexOf(pattern))
            BitConverter.GetBytes(to).CopyTo(body, at);
    }

    /// <summary>A valid batch of three request events, timestamped a minute ago, so that what survives a mutation is stored.</summary>
    public static string ValidRequests(int events = 3, string service = "fuzz-api", string idPrefix = "fz") =>
        $$"""{"service":"{{service}}","events":[{{string.Join(",", Enumerable.Range(0, events).Select(i => RequestEvent($"{idPrefix}-{i}")))}}]}""";

    public static string RequestEvent(string id) =>
        $$"""{"id":"{{id}}","timestamp":"{{Recent()}}","endpoint":"/api/orders/{{id.Length}}","method":"GET","status":200,"durationMs":12.5,"userId":"u-1","orgId":"acme","country":"ES","invocation":"sync","model":"gpt-small","units":10,"cpuMs":1.5,"gpuMs":0}""";

    private static string ValidUsage() =>
        $$$"""{"site":"{{{TestApp.Site}}}","events":[{"id":"fu-1","type":"page_view","timestamp":"{{{Recent()}}}","page":"/pricing","sessionId":"s-1","properties":{"plan":"pro"}},{"type":"button_click","timestamp":"{{{Recent()}}}","name":"buy","elementId":"b"}]}""";

    private static string Recent() => DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);

    /// <param name="binary">A body that is not JSON, mutated byte by byte only (<paramref name="valid"/> is then unused).</param>
    private static HostileRequest Body(int seed, Random random, string name, HttpMethod method, string path, string valid, string contentType, string? key, bool admin,
        byte[]? binary = null)
    {
        var described = new List<string> { name };
        var body = binary ?? (random.Next(3) == 0 ? ValueMutation(random, valid, described) : Encoding.UTF8.GetBytes(valid));
        for (var mutations = random.Next(random.Next(4) == 0 ? 0 : 1, 4); mutations > 0; mutations--) body = ByteMutation(random, body, described);
        if (random.Next(10) == 0)
        {
            body = [0xEF, 0xBB, 0xBF, .. body];
            described.Add("byte order mark");
        }
        string? encoding = null;
        if (random.Next(8) == 0)
        {
            encoding = ContentEncodings[random.Next(ContentEncodings.Length)];
            if (encoding is "gzip" or "GZIP" && random.Next(2) == 0) body = Gzip(body);
            described.Add($"Content-Encoding {encoding}");
        }
        if (random.Next(8) == 0)
        {
            contentType = ContentTypes[random.Next(ContentTypes.Length)];
            described.Add($"Content-Type '{contentType}'");
        }
        return new HostileRequest(seed, string.Join(", ", described), method, path, body, contentType, encoding, key, admin);
    }

    /// <summary>A valid requests batch with hostile headers: content types, encodings (some honest), keys.</summary>
    private static HostileRequest Envelope(int seed, Random random)
    {
        var body = Encoding.UTF8.GetBytes(ValidRequests(1, idPrefix: $"env{seed}"));
        var encoding = random.Next(2) == 0 ? ContentEncodings[random.Next(ContentEncodings.Length)] : null;
        if (encoding is "gzip" or "GZIP") body = Gzip(body);
        if (encoding == "deflate") body = Deflate(body);
        var contentType = ContentTypes[random.Next(ContentTypes.Length)];
        // HTTP header values are ASCII: a client cannot send other bytes there, so a hostile key is made of what it can.
        var key = random.Next(4) == 0 ? new string(Text(random).Where(c => c is >= ' ' and < '\u007f').ToArray()) : TestApp.IngestKey;
        return new HostileRequest(seed, $"envelope: Content-Type '{contentType}', Content-Encoding '{encoding}', key '{key}'", HttpMethod.Post,
            "/api/ingest/requests", body, contentType, encoding, key, AsAdmin: false);
    }

    private static HostileRequest Query(int seed, Random random)
    {
        string[] routes = ["performance", "usage", "usage/count", "timeseries", "breakdown", "value", "reliability"];
        string[] names = ["range", "from", "to", "by", "format", "metric", "interval", "eventType", "includeAnonymous", "service", "endpoint", "top"];
        var query = string.Join('&', Enumerable.Range(0, random.Next(1, 5))
            .Select(_ => $"{names[random.Next(names.Length)]}={Uri.EscapeDataString(Text(random))}"));
        var route = routes[random.Next(routes.Length)];
        return new HostileRequest(seed, $"query {query}", HttpMethod.Get, $"/api/metrics/{route}?{query}", null, null, null, null, AsAdmin: true);
    }

    /// <summary>A parameter value: often nearly right (a preset, a date, a dimension), often not at all.</summary>
    private static string Text(Random random) => random.Next(12) switch
    {
        0 => "",
        // Up to four of these in a query stay under the HTTP server's 8 KB request line (HostileInputTests).
        1 => new string('x', random.Next(1, 1500)),
        2 => "\u0000",
        3 => "..",
        4 => "24h\u0000",
        5 => DateTimeOffset.UtcNow.AddDays(random.Next(-400, 400)).ToString("O", CultureInfo.InvariantCulture),
        6 => random.Next(2) == 0 ? "9999999999999999999999" : "-1",
        7 => "\ud800",
        8 => string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => (char)random.Next(0, 0x3000))),
        9 => new[] { "24h", "7d", "30d", "90d", "service", "user", "csv", "json", "hour", "day", "both", "true", "page_view" }[random.Next(13)],
        10 => "0001-01-01T00:00:00Z",
        _ => "' or ''='",
    };

    /// <summary>The valid body with one of its values replaced by a hostile one, or a field repeated.</summary>
    private static byte[] ValueMutation(Random random, string valid, List<string> described)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(valid)!;
        var values = Values(json).ToList();
        var (parent, key, index) = values[random.Next(values.Count)];
        if (key is not null && random.Next(5) == 0)
        {
            // The same field twice: which one was meant?
            var text = json.ToJsonString();
            var field = $"\"{key}\":";
            var at = text.IndexOf(field, StringComparison.Ordinal);
            described.Add($"'{key}' given twice");
            return Encoding.UTF8.GetBytes(text.Insert(at, $"{field}{HostileValues[random.Next(HostileValues.Length)]},"));
        }
        if (key is not null) ((System.Text.Json.Nodes.JsonObject)parent)[key] = Marker;
        else ((System.Text.Json.Nodes.JsonArray)parent)[index] = Marker;
        var hostile = random.Next(10) == 0 ? new string('[', random.Next(60, 2000)) + new string(']', random.Next(0, 2000)) : HostileValues[random.Next(HostileValues.Length)];
        described.Add($"{key ?? $"[{index}]"} = {(hostile.Length > 40 ? hostile[..40] + "…" : hostile)}");
        return Encoding.UTF8.GetBytes(json.ToJsonString().Replace(System.Text.Json.JsonSerializer.Serialize(Marker), hostile, StringComparison.Ordinal));
    }

    private static IEnumerable<(System.Text.Json.Nodes.JsonNode Parent, string? Key, int Index)> Values(System.Text.Json.Nodes.JsonNode node)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    yield return (obj, key, -1);
                    if (value is not null) foreach (var nested in Values(value)) yield return nested;
                }
                break;
            case System.Text.Json.Nodes.JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    yield return (array, null, i);
                    if (array[i] is { } item) foreach (var nested in Values(item)) yield return nested;
                }
                break;
        }
    }

    private static byte[] ByteMutation(Random random, byte[] body, List<string> described)
    {
        if (body.Length == 0) return body;
        var at = random.Next(body.Length);
        switch (random.Next(6))
        {
            case 0:
                var flipped = body.ToArray();
                flipped[at] = (byte)random.Next(256);
                described.Add($"byte {at} set to 0x{flipped[at]:X2}");
                return flipped;
            case 1:
                var inserted = HostileBytes[random.Next(HostileBytes.Length)];
                described.Add($"{Convert.ToHexString(inserted)} inserted at {at}");
                return [.. body[..at], .. inserted, .. body[at..]];
            case 2:
                var length = random.Next(1, Math.Max(2, body.Length - at));
                described.Add($"{length} bytes cut at {at}");
                return [.. body[..at], .. body[Math.Min(body.Length, at + length)..]];
            case 3:
                described.Add($"truncated to {at} bytes");
                return body[..at];
            case 4:
                var repeat = body[at..Math.Min(body.Length, at + random.Next(1, 64))];
                described.Add($"{repeat.Length} bytes at {at} repeated");
                return [.. body[..at], .. repeat, .. body[at..]];
            default:
                return body;
        }
    }

    private static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(body);
        return output.ToArray();
    }

    private static byte[] Deflate(byte[] body)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest)) zlib.Write(body);
        return output.ToArray();
    }
}
