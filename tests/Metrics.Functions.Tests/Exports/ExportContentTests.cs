using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Ingest;
using Metrics.Functions.Tests.Security;
using Metrics.Storage.Exports;
using Metrics.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using static Metrics.Functions.Tests.Exports.ExportCalls;

namespace Metrics.Functions.Tests.Exports;

/// <summary>What an export's CSV holds, checked against the query it mirrors or the raw events sent.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ExportContentTests(SharedAzurite azurite) : IAsyncLifetime
{
    // Near the real clock: Azurite checks links against its own (real) time.
    private readonly SharedClock _time = new(WholeSeconds(DateTimeOffset.UtcNow));
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite.ConnectionString, time: _time);
        var prices = await _app.Client.PutAsAsync("/api/admin/prices", Callers.Text("""{"gpt-small": 0.002, "gpt-large": 0.03}""", "application/json"));
        Assert.Equal(HttpStatusCode.OK, prices.StatusCode);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public async Task A_breakdown_export_holds_exactly_the_rows_of_the_breakdown_query()
    {
        await IngestAsync("orders-api", 40, Now.AddHours(-2));
        await IngestAsync("billing-api", 15, Now.AddMinutes(-20));
        var (from, to) = (Iso(Now.AddHours(-3)), Iso(Now));

        var export = await _app.Client.ExportAndWaitAsync(new JsonObject { ["kind"] = "breakdown", ["by"] = "org", ["from"] = from, ["to"] = to });
        var (header, rows) = ParseCsv(await DownloadBytesAsync(export));

        var query = await QueryAsync($"/api/metrics/breakdown?by=org&from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}");
        var expected = query.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(4, expected.Count);
        Assert.Equal(expected[0].EnumerateObject().Select(p => p.Name), header);
        Assert.Equal(expected.Count, rows.Count);
        foreach (var (json, csv) in expected.Zip(rows))
            foreach (var cell in json.EnumerateObject())
                if (cell.Value.ValueKind == JsonValueKind.String) Assert.Equal(Neutralised(cell.Value.GetString()!), csv[cell.Name]);
                else Assert.Equal(cell.Value.GetDecimal(), Number(csv[cell.Name]));
        Assert.Equal(query.GetProperty("range").ToString(), export.GetProperty("range").ToString());
        Assert.Contains(rows, row => row["key"].StartsWith("'=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_finance_month_to_date_export_adds_up_to_the_org_breakdown_of_the_same_range()
    {
        var monthStart = new DateTimeOffset(Now.Year, Now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var inMonth = Now - TimeSpan.FromMinutes(Math.Min(120, (Now - monthStart).TotalMinutes / 2));
        await IngestAsync("orders-api", 40, inMonth);
        await IngestAsync("billing-api", 25, Now.AddMinutes(-1));
        // Last month's requests, when still within raw retention, must not count.
        if (monthStart.AddMinutes(-30) > Now.AddDays(-7)) await IngestAsync("orders-api", 10, monthStart.AddMinutes(-30), "old");

        var export = await _app.Client.ExportAndWaitAsync(new JsonObject { ["kind"] = "finance-mtd" });
        var (header, rows) = ParseCsv(await DownloadBytesAsync(export));

        Assert.Equal(["org", "model", "requests", "units", "unitPrice", "priceFrom", "spend"], header);
        Assert.Equal(monthStart, export.GetProperty("range").GetProperty("from").GetDateTimeOffset());
        Assert.Equal(rows.Count, rows.Select(r => (r["org"], r["model"])).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(Number(r["units"]) * Number(r["unitPrice"]), Number(r["spend"])));
        Assert.All(rows, r => Assert.Equal(r["model"] == "gpt-large" ? 0.03m : 0.002m, Number(r["unitPrice"])));
        var query = await QueryAsync($"/api/metrics/breakdown?by=org&from={Uri.EscapeDataString(Iso(monthStart))}&to={Uri.EscapeDataString(Iso(Now))}");
        var totals = query.GetProperty("totals");
        Assert.Equal(65, rows.Sum(r => Number(r["requests"])));
        Assert.Equal(totals.GetProperty("requests").GetDecimal(), rows.Sum(r => Number(r["requests"])));
        Assert.Equal(totals.GetProperty("units").GetDecimal(), rows.Sum(r => Number(r["units"])));
        Assert.Equal(totals.GetProperty("spend").GetDecimal(), rows.Sum(r => Number(r["spend"])));
        Assert.True(totals.GetProperty("spend").GetDecimal() > 0);
    }

    [Fact]
    public async Task An_incident_export_holds_exactly_the_services_raw_requests_in_the_window()
    {
        var (from, to) = (Now.AddHours(-3), Now.AddHours(-1));
        var times = new[] { from.AddSeconds(-1), from, from.AddMinutes(40), Now.AddHours(-2), to.AddSeconds(-1), to, Now.AddMinutes(-5) };
        await PostAsync(Batches.Requests("orders-api", times.Select((at, i) => (JsonNode)Batches.RequestEvent(i, at, $"o-{i}"))));
        await PostAsync(Batches.Requests("billing-api", times.Select((at, i) => (JsonNode)Batches.RequestEvent(i, at, $"b-{i}"))));

        var export = await _app.Client.ExportAndWaitAsync(new JsonObject
        {
            ["kind"] = "incident", ["service"] = "orders-api", ["from"] = Iso(from), ["to"] = Iso(to),
        });
        var (_, rows) = ParseCsv(await DownloadBytesAsync(export));

        Assert.Equal(["o-1", "o-2", "o-3", "o-4"], rows.Select(r => r["id"]).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal("orders-api", r["service"]));
        Assert.Equal(4, export.GetProperty("rows").GetInt64());
        var third = rows.Single(r => r["id"] == "o-3");
        Assert.Equal(times[3], DateTimeOffset.Parse(third["timestamp"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["GET", "/api/orders/{id}", "async", "gpt-small"], [third["method"], third["endpoint"], third["invocation"], third["model"]]);
    }

    [Fact]
    public async Task The_manifest_on_the_job_and_the_blob_matches_the_downloaded_bytes()
    {
        await IngestAsync("orders-api", 12, Now.AddHours(-1));
        var export = await _app.Client.ExportAndWaitAsync(new JsonObject
        {
            ["kind"] = "incident", ["service"] = "orders-api", ["from"] = Iso(Now.AddHours(-2)),
        });

        var response = await DownloadAsync(export.GetProperty("url").GetString()!);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), export.GetProperty("sha256").GetString());
        Assert.Equal(12, export.GetProperty("rows").GetInt64());
        Assert.Equal(12, ParseCsv(bytes).Rows.Count);
        Assert.StartsWith("id,service,timestamp,", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.NotEqual(0xEF, bytes[0]);
        var job = await _app.Services.GetRequiredService<ExportStore>().GetAsync(export.GetProperty("id").GetString()!);
        // The manifest travels with the CSV as its blob metadata: the download through the link carries it.
        var manifest = response.Headers.Where(h => h.Key.StartsWith("x-ms-meta-", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key["x-ms-meta-".Length..].ToLowerInvariant(), h => Uri.UnescapeDataString(h.Value.Single()));
        Assert.Equal(export.GetProperty("sha256").GetString(), manifest["sha256"]);
        Assert.Equal("12", manifest["rows"]);
        Assert.Equal(["incident", "orders-api", Iso(job!.Query.From), Iso(job.Query.To), Iso(job.CreatedAt), Iso(job.CompletedAt!.Value)],
            [manifest["kind"], manifest["service"], manifest["rangefrom"], manifest["rangeto"], manifest["createdat"], manifest["completedat"]]);
    }

    /// <summary>Several orgs (one of them a formula, one missing) and two models, spread over the events.</summary>
    private Task IngestAsync(string service, int count, DateTimeOffset at, string idPrefix = "e") =>
        PostAsync(Batches.Requests(service, Enumerable.Range(0, count).Select(i =>
        {
            var e = Batches.RequestEvent(i, at.AddSeconds(i), $"{idPrefix}-{i}");
            e["orgId"] = (i % 4) switch { 0 => "acme", 1 => "globex", 2 => "=HYPERLINK(\"http://evil.example\")", _ => null };
            e["model"] = i % 3 == 0 ? "gpt-large" : "gpt-small";
            return (JsonNode)e;
        })));

    private async Task PostAsync(JsonNode batch)
    {
        var response = await _app.Client.PostRequestsAsync(batch);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty((await response.ReadJsonAsync()).GetProperty("rejected").EnumerateArray());
    }

    private async Task<JsonElement> QueryAsync(string path)
    {
        var response = await _app.Client.GetAsAsync(path, TestApp.AdminKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>A cell a spreadsheet would run as a formula is stored with a leading quote.</summary>
    private static string Neutralised(string value) => value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
}
