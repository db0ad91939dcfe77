using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Metrics.Benchmarks;

/// <summary>
/// Request events as real services send them: raw paths with ids of letters and digits (SKUs, order numbers, slugs,
/// base62), a few hundred users in a few dozen orgs, several models, mostly fast 200s with slow routes and some
/// 4xx/5xx; timestamps just before sending, a few from minutes ago (a client that was offline).
/// </summary>
internal sealed class StreamTraffic(int seed)
{
    private static readonly string[] Names = ["orders-api", "catalog-api", "billing-api", "search-api", "auth-api", "chat-api", "media-api", "admin-api"];
    private static readonly string[] Countries = ["ES", "FR", "DE", "US", "BR", "GB", "IN", "JP"];
    private static readonly string[] Models = ["gpt-small", "gpt-large", "embed-v2", "rerank-1"];

    /// <summary>Six routes a service, each a raw path built from an id and a typical latency in ms.</summary>
    private static readonly (Func<Random, string> Path, string Method, double Ms)[] Routes =
    [
        (r => $"/api/products/SKU-{r.Next(100_000):D5}/reviews", "GET", 35),
        (r => $"/api/orders/ORD-{(char)('A' + r.Next(26))}{r.Next(1_000_000):D6}", "GET", 20),
        (r => $"/api/orders/{Base62(r, 12)}/items", "POST", 80),
        (r => $"/users/u-{r.Next(10_000):D4}/profile", "GET", 15),
        (r => $"/api/v2/search/{Slug(r)}", "GET", 140),
        (r => $"/api/chat/{Base62(r, 16)}/completions", "POST", 900),
    ];

    private readonly Random _random = new(seed);
    private readonly object _gate = new();

    public byte[] Batch(int service, int count, DateTimeOffset now)
    {
        lock (_gate) return Write(Names[service % Names.Length] + (service >= Names.Length ? $"-{service}" : ""), count, now, probe: false);
    }

    public byte[] ProbeBatch(string service, DateTimeOffset now)
    {
        lock (_gate) return Write(service, 1, now, probe: true);
    }

    private byte[] Write(string service, int count, DateTimeOffset now, bool probe)
    {
        var r = _random;
        var buffer = new ArrayBufferWriter<byte>(count * 400 + 64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("service", service);
            json.WriteStartArray("events");
            for (var i = 0; i < count; i++)
            {
                var (path, method, ms) = Routes[r.Next(Routes.Length)];
                var late = !probe && r.Next(200) == 0 ? TimeSpan.FromMinutes(r.Next(1, 30)) : TimeSpan.Zero;
                var user = r.Next(400);
                var roll = r.Next(100);
                json.WriteStartObject();
                json.WriteString("id", Guid.CreateVersion7().ToString());
                json.WriteString("timestamp", (now - late - TimeSpan.FromMilliseconds(r.Next(2000))).ToString("O", CultureInfo.InvariantCulture));
                json.WriteString("endpoint", path(r));
                json.WriteString("method", method);
                json.WriteNumber("status", roll < 2 ? 500 : roll < 7 ? 404 : roll < 9 ? 401 : 200);
                json.WriteNumber("durationMs", Math.Round(ms * (0.3 + r.NextDouble() * r.NextDouble() * 4), 2));
                if (r.Next(10) > 0) json.WriteString("userId", $"user-{user}");
                json.WriteString("orgId", $"org-{user % 37}");
                json.WriteString("country", Countries[user % Countries.Length]);
                json.WriteString("model", Models[r.Next(Models.Length)]);
                json.WriteNumber("units", r.Next(50, 4_000));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static string Base62(Random r, int length)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return string.Create(length, r, (span, random) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[random.Next(alphabet.Length)];
        });
    }

    private static string Slug(Random r) => $"{(r.Next(2) == 0 ? "red-shoes" : "winter-jacket")}-{r.Next(10_000)}";
}
