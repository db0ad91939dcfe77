using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Ingest;
using Metrics.Functions.Tests.Nightly;
using Metrics.Functions.Tests.Security;
using Metrics.Storage.Exports;
using Metrics.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using static Metrics.Functions.Tests.Exports.ExportCalls;

namespace Metrics.Functions.Tests.Exports;

/// <summary>
/// A closed month with a price change in the middle and a model nobody priced: each event priced at the price in force at
/// its timestamp, the month's boundaries in UTC, and the finance-month export reconciling with the org breakdown.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FinanceMonthTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset February = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset March = February.AddMonths(1);
    /// <summary>A Sunday: inside the week of Monday 9 February, so that week's rollup may not be priced as one.</summary>
    private static readonly DateTimeOffset PriceChange = new(2026, 2, 15, 0, 0, 0, TimeSpan.Zero);

    private const string Prices = """
        [{"model": "gpt-small", "unitPrice": 0.002},
         {"model": "gpt-large", "unitPrice": 0.03},
         {"model": "gpt-small", "unitPrice": "0.004", "effectiveFrom": "2026-02-15"}]
        """;

    /// <summary>(when, org, model, units), sent while the clock stands at <c>SentAt</c>, within raw retention of it.</summary>
    private static readonly (DateTimeOffset SentAt, (DateTimeOffset At, string? Org, string Model, long Units)[] Events)[] Traffic =
    [
        (February.AddHours(2), [
            (February.AddSeconds(-1), "acme", "gpt-small", 100_000), // January: not in the month
            (February, "acme", "gpt-small", 1_000),
            (February.AddMinutes(5), "globex", "gpt-large", 300),
        ]),
        (PriceChange.AddHours(3), [
            (PriceChange.AddSeconds(-1), "acme", "gpt-small", 2_000),
            (PriceChange, "acme", "gpt-small", 5_000),
            (PriceChange.AddMinutes(1), "globex", "gpt-small", 7),
            (PriceChange.AddHours(1), null, "gpt-free", 40),
            (PriceChange.AddDays(-3), "globex", "gpt-free", 2),
        ]),
        (March.AddHours(20), [
            (March.AddSeconds(-1), "globex", "gpt-small", 11),
            (March, "acme", "gpt-small", 100_000), // March: not in the month
        ]),
    ];

    private static decimal PriceOf(string model, DateTimeOffset at) => model switch
    {
        "gpt-small" => at < PriceChange ? 0.002m : 0.004m,
        "gpt-large" => 0.03m,
        _ => 0m,
    };

    private static IEnumerable<(DateTimeOffset At, string? Org, string Model, long Units)> InFebruary =>
        Traffic.SelectMany(t => t.Events).Where(e => e.At >= February && e.At < March);

    [Fact]
    public async Task A_closed_month_is_priced_at_the_prices_in_force_and_its_export_reconciles_with_the_org_breakdown()
    {
        using var time = new SharedClock(February.AddHours(1));
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PutAsAsync("/api/admin/prices", Callers.Text(Prices, "application/json"))).StatusCode);
        var n = 0;
        foreach (var (sentAt, events) in Traffic)
        {
            time.SetUtcNow(sentAt);
            var batch = Batches.Requests("orders-api", events.Select(e =>
            {
                var json = Batches.RequestEvent(n, e.At, $"e-{n++}");
                (json["orgId"], json["model"], json["units"]) = (e.Org, e.Model, e.Units);
                return (JsonNode)json;
            }));
            var response = await app.Client.PostRequestsAsync(batch);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Empty((await response.ReadJsonAsync()).GetProperty("rejected").EnumerateArray());
            await app.CompactAsync();
            await app.RunNightlyAsync();
        }

        var breakdown = await QueryAsync(app, $"/api/metrics/breakdown?by=org&from={Iso(February)}&to={Iso(March)}");
        var export = await app.Client.ExportAndWaitAsync(new JsonObject { ["kind"] = "finance-month", ["month"] = "2026-02" });
        var (header, rows) = ParseCsv(await ReadCsvAsync(app, export));

        var expectedSpend = InFebruary.Sum(e => e.Units * PriceOf(e.Model, e.At));
        Assert.Equal(2_000 * 0.002m + 1_000 * 0.002m + 300 * 0.03m + 5_000 * 0.004m + 7 * 0.004m + 11 * 0.004m, expectedSpend);
        var totals = breakdown.GetProperty("totals");
        Assert.Equal(expectedSpend, totals.GetProperty("spend").GetDecimal());
        Assert.Equal(InFebruary.Sum(e => e.Units), totals.GetProperty("units").GetInt64());
        Assert.Equal(["org", "model", "requests", "units", "unitPrice", "priceFrom", "spend"], header);
        Assert.Equal(expectedSpend, rows.Sum(r => Number(r["spend"])));
        Assert.Equal(totals.GetProperty("requests").GetInt64(), rows.Sum(r => Number(r["requests"])));
        // One row per org, model and price in force; unpriced units stay visible, priced at nothing.
        Assert.Equal(
        [
            ("(none)", "gpt-free", 40L, "", "", 0m), ("acme", "gpt-small", 3_000L, "0.002", "", 6m), ("acme", "gpt-small", 5_000L, "0.004", "2026-02-15", 20m),
            ("globex", "gpt-free", 2L, "", "", 0m), ("globex", "gpt-large", 300L, "0.03", "", 9m), ("globex", "gpt-small", 18L, "0.004", "2026-02-15", 0.072m),
        ],
            rows.Select(r => (r["org"], r["model"], (long)Number(r["units"]), r["unitPrice"], r["priceFrom"], Number(r["spend"]))));
        var prices = breakdown.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "prices");
        Assert.Equal("partial", prices.GetProperty("status").GetString());
        Assert.Contains("42 units of gpt-free", prices.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var requests = breakdown.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "requests");
        Assert.Contains("1 requests have no org", requests.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_a_price_from_a_date_reprices_only_what_was_used_from_that_date()
    {
        using var time = new SharedClock(PriceChange.AddHours(3));
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await app.Client.PutAsAsync("/api/admin/prices", Callers.Text("""{"gpt-small": 0.002}""", "application/json"));
        var batch = Batches.Requests("orders-api", new[] { PriceChange.AddDays(-2), PriceChange.AddHours(1) }.Select((at, i) =>
        {
            var json = Batches.RequestEvent(i, at, $"e-{i}");
            json["units"] = 1_000;
            return (JsonNode)json;
        }));
        Assert.Equal(HttpStatusCode.Accepted, (await app.Client.PostRequestsAsync(batch)).StatusCode);
        var range = $"from={Iso(PriceChange.AddDays(-3))}&to={Iso(PriceChange.AddHours(3))}";
        async Task<decimal> SpendAsync() => (await QueryAsync(app, $"/api/metrics/value?metric=spend&{range}")).GetProperty("value").GetDecimal();
        var before = await SpendAsync();

        var change = await app.Client.PutAsAsync("/api/admin/prices",
            Callers.Text("""[{"model": "gpt-small", "unitPrice": 0.005, "effectiveFrom": "2026-02-15"}]""", "application/json"));
        var listed = (await change.ReadJsonAsync()).GetProperty("prices").EnumerateArray()
            .Select(p => (p.GetProperty("model").GetString(), p.GetProperty("unitPrice").GetDecimal(), p.GetProperty("effectiveFrom").GetString())).ToList();

        Assert.Equal(4m, before);
        Assert.Equal([("gpt-small", 0.002m, null), ("gpt-small", 0.005m, "2026-02-15")], listed);
        Assert.Equal(1_000 * 0.002m + 1_000 * 0.005m, await SpendAsync());
        var removed = await app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/admin/prices?model=gpt-small&effectiveFrom=2026-02-15")
        {
            Headers = { Authorization = new("Bearer", TestApp.AdminKey) },
        });
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(4m, await SpendAsync());
        var again = await app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/admin/prices?model=gpt-small&effectiveFrom=2026-02-15")
        {
            Headers = { Authorization = new("Bearer", TestApp.AdminKey) },
        });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<JsonElement> QueryAsync(TestApp app, string pathAndQuery)
    {
        using var response = await app.AdminGetAsync(pathAndQuery.Replace("+", "%2B", StringComparison.Ordinal));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{pathAndQuery}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    /// <summary>The export's CSV through a fresh link: the job's own link was signed at the test's clock, long before Azurite's.</summary>
    private static async Task<byte[]> ReadCsvAsync(TestApp app, JsonElement export)
    {
        Assert.Equal("succeeded", export.GetProperty("status").GetString());
        var job = await app.Services.GetRequiredService<ExportStore>().GetAsync(export.GetProperty("id").GetString()!);
        var link = await app.Services.GetRequiredService<ExportBlobs>().ReadLinkAsync(job!.Blob!, DateTimeOffset.UtcNow.AddMinutes(5), "finance.csv");
        var response = await DownloadAsync(link.ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
