using System.Net;
using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Ingest;
using Metrics.Functions.Tests.Security;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Exports;

[Collection(AzuriteCollection.Name)]
public sealed class ExportRequestTests(SharedAzurite azurite) : IAsyncLifetime
{
    private readonly SharedClock _time = new(ExportCalls.WholeSeconds(DateTimeOffset.UtcNow));
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString, time: _time);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static JsonObject Breakdown => new() { ["kind"] = "breakdown", ["by"] = "org" };

    [Fact]
    public async Task Exports_need_the_finance_or_admin_role()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Client.PostExportAsync(Breakdown, key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _app.Client.PostExportAsync(Breakdown, key: TestApp.IngestKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Client.GetAsAsync("/api/exports", key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _app.Client.GetAsAsync("/api/exports", key: TestApp.IngestKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Client.GetAsAsync("/api/exports/0000000000000000000-000000000000", key: null)).StatusCode);

        var byFinance = await _app.Client.PostExportAsync(Breakdown, TestApp.FinanceKey);
        var byAdmin = await _app.Client.PostExportAsync(Breakdown, TestApp.AdminKey);

        Assert.Equal(HttpStatusCode.Accepted, byFinance.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, byAdmin.StatusCode);
        var accepted = await byFinance.ReadJsonAsync();
        Assert.Equal("queued", accepted.GetProperty("status").GetString());
        Assert.Equal($"/api/exports/{accepted.GetProperty("id").GetString()}", byFinance.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("""{"kind": "pdf"}""", "'kind' must be one of breakdown, finance-mtd, finance-month, incident; got 'pdf'")]
    [InlineData("""{"by": "org"}""", "'kind' is required")]
    [InlineData("""{"kind": "breakdown", "by": "planet"}""", "'by' must be one of service, endpoint")]
    [InlineData("""{"kind": "breakdown", "range": "1y"}""", "'range' must be one of")]
    [InlineData("""{"kind": "breakdown", "from": "yesterday"}""", "'from' is not an ISO-8601 date and time")]
    [InlineData("""{"kind": "breakdown", "from": "{now-2h}", "to": "{now-3h}"}""", "must be before 'to'")]
    [InlineData("""{"kind": "breakdown", "from": "{now-2400h}", "to": "{now-2399h}"}""", "before the retention window")]
    [InlineData("""{"kind": "breakdown", "from": "{now-2h}", "to": "{now+2h}"}""", "is in the future")]
    [InlineData("""{"kind": "finance-mtd", "from": "{now-2h}"}""", "always covers the current month to date")]
    [InlineData("""{"kind": "finance-mtd", "by": "service"}""", "always per org and model")]
    [InlineData("""{"kind": "incident", "from": "{now-2h}"}""", "needs 'service'")]
    [InlineData("""{"kind": "incident", "service": "orders-api"}""", "needs 'from'")]
    [InlineData("""{"kind": "incident", "service": "orders-api", "from": "{now-30h}", "to": "{now-1h}"}""", "at most 24 hours")]
    [InlineData("""{"kind": "incident", "service": "orders-api", "from": "{now-200h}", "to": "{now-190h}"}""", "raw requests are kept 7 days")]
    [InlineData("""{"kind": "incident", "service": "orders-api", "from": "{now-2h}", "range": "24h"}""", "leave out 'range'")]
    [InlineData("""{"kind": 7}""", "not a JSON export request")]
    [InlineData("""not json""", "not a JSON export request")]
    [InlineData("""null""", "The body is empty")]
    public async Task A_request_that_cannot_be_exported_is_a_400_that_says_why_and_records_nothing(string body, string because)
    {
        var json = Placeholders().Aggregate(body, (text, p) => text.Replace(p.Key, p.Value, StringComparison.Ordinal));

        var response = await _app.Client.SendAsync(HttpMethod.Post, "/api/exports", TestApp.FinanceKey, content: Callers.Text(json, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("urn:metrics-functions:problem:invalid-export", problem.GetProperty("type").GetString());
        Assert.Contains(because, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var listed = await (await _app.Client.GetAsAsync("/api/exports", TestApp.FinanceKey)).ReadJsonAsync();
        Assert.Equal(0, listed.GetProperty("exports").GetArrayLength());
    }

    [Theory]
    [InlineData("0000000000000000000-000000000000")]
    [InlineData("not-an-id")]
    [InlineData("'or'1'eq'1")]
    public async Task An_unknown_export_is_a_404_problem(string id)
    {
        var response = await _app.Client.GetAsAsync($"/api/exports/{Uri.EscapeDataString(id)}", TestApp.FinanceKey);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:metrics-functions:problem:export-not-found", (await response.ReadJsonAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Exports_are_listed_newest_first()
    {
        var ids = new List<string>();
        foreach (var by in new[] { "org", "model", "service" })
        {
            ids.Add(await _app.Client.StartExportAsync(new JsonObject { ["kind"] = "breakdown", ["by"] = by }));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var listed = await (await _app.Client.GetAsAsync("/api/exports", TestApp.FinanceKey)).ReadJsonAsync();

        Assert.Equal(Enumerable.Reverse(ids), listed.GetProperty("exports").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(["service", "model", "org"], listed.GetProperty("exports").EnumerateArray().Select(e => e.GetProperty("by").GetString()));
        var top = await (await _app.Client.GetAsAsync("/api/exports?top=1", TestApp.FinanceKey)).ReadJsonAsync();
        Assert.Equal(ids[^1], Assert.Single(top.GetProperty("exports").EnumerateArray()).GetProperty("id").GetString());
        var malformed = await _app.Client.GetAsAsync("/api/exports?top=many", TestApp.FinanceKey);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
    }

    private Dictionary<string, string> Placeholders()
    {
        var now = _time.GetUtcNow();
        return new[] { -2400, -2399, -200, -190, -30, -3, -2, -1, 2 }
            .ToDictionary(h => $"{{now{(h < 0 ? "" : "+")}{h}h}}", h => ExportCalls.Iso(now.AddHours(h)));
    }
}
