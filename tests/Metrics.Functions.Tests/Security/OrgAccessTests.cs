using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Exports;
using Metrics.Functions.Tests.Ingest;
using Metrics.Storage.Admin;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Security;

/// <summary>
/// An org admin's key over real HTTP: every request query answers exactly the numbers of its own org's events (computed
/// here from the events sent), another org is a 403, usage (which carries no org) is not theirs, and the audit names the org.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OrgAccessTests(SharedAzurite azurite) : IAsyncLifetime
{
    private const string AcmeKey = "acme-admin-key";
    private static readonly string[] Orgs = ["acme", "globex", "initech"];
    private static readonly string[] Models = ["gpt-small", "gpt-large"];
    private static readonly string[] Countries = ["ES", "DE", "US"];
    private static readonly (string Route, string Method)[] Endpoints = [("/orders/{id}", "GET"), ("/orders", "POST"), ("/invoices/{number}", "GET")];

    private sealed record Sent(string Service, string? Org, string User, string Model, string Country, int Status, long Units, string Route, string Method);

    private readonly List<Sent> _sent = [];
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Auth:OrgKeys:acme"] = AcmeKey });
        var now = DateTimeOffset.UtcNow;
        var random = new Random(12);
        foreach (var service in new[] { "orders-api", "billing-api" })
        {
            var events = new List<JsonNode>();
            for (var i = 0; i < 90; i++)
            {
                // A user belongs to one org; every tenth request has no org at all.
                var user = $"u-{random.Next(12)}";
                var org = i % 10 == 9 ? null : Orgs[int.Parse(user[2..], System.Globalization.CultureInfo.InvariantCulture) % Orgs.Length];
                var (route, method) = Endpoints[random.Next(Endpoints.Length)];
                var sent = new Sent(service, org, user, Models[random.Next(2)], Countries[random.Next(3)], random.Next(10) == 0 ? 503 : 200, random.Next(1, 500),
                    route, method);
                _sent.Add(sent);
                var json = Batches.RequestEvent(i, now.AddMinutes(-random.Next(1, 90)), $"{service}-{i}");
                (json["orgId"], json["userId"], json["model"], json["country"], json["status"], json["units"], json["route"], json["method"]) =
                    (sent.Org, sent.User, sent.Model, sent.Country, sent.Status, sent.Units, sent.Route, sent.Method);
                events.Add(json);
            }
            var response = await _app.Client.PostRequestsAsync(Batches.Requests(service, events));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private IEnumerable<Sent> Acme => _sent.Where(e => e.Org == "acme");

    private async Task<JsonElement> AcmeGetAsync(string pathAndQuery)
    {
        var response = await _app.Client.GetAsAsync(pathAndQuery, AcmeKey);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{pathAndQuery}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    /// <summary>The performance answer's endpoint table as "service method endpoint" → requests, as a breakdown by endpoint keys its rows.</summary>
    private static Dictionary<string, long> EndpointRows(JsonElement performance) => performance.GetProperty("endpoints").EnumerateArray().ToDictionary(
        e => $"{e.GetProperty("service").GetString()} {e.GetProperty("method").GetString()} {e.GetProperty("endpoint").GetString()}",
        e => e.GetProperty("requests").GetInt64());

    private static Dictionary<string, long> ByEndpoint(IEnumerable<Sent> events) =>
        events.GroupBy(e => $"{e.Service} {e.Method} {e.Route}").ToDictionary(g => g.Key, g => (long)g.Count());

    private static Dictionary<string, long> Rows(JsonElement breakdown, string column = "requests") =>
        breakdown.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty(column).GetInt64());

    [Fact]
    public async Task Every_request_query_answers_exactly_the_orgs_own_events()
    {
        var performance = await AcmeGetAsync("/api/metrics/performance?range=24h");
        var byOrg = await AcmeGetAsync("/api/metrics/breakdown?by=org&range=24h");
        var byUser = await AcmeGetAsync("/api/metrics/breakdown?by=user&range=24h");
        var byModel = await AcmeGetAsync("/api/metrics/breakdown?by=model&range=24h");
        var byCountry = await AcmeGetAsync("/api/metrics/breakdown?by=country&range=24h");
        var byEndpoint = await AcmeGetAsync("/api/metrics/breakdown?by=endpoint&range=24h");
        var oneEndpoint = await AcmeGetAsync("/api/metrics/performance?range=24h&endpoint=/orders/{id}&model=gpt-small");
        var byService = await AcmeGetAsync("/api/metrics/breakdown?by=service&model=gpt-large&range=24h");
        var units = await AcmeGetAsync("/api/metrics/value?metric=units&model=gpt-small&service=orders-api&range=24h");
        var errors = await AcmeGetAsync("/api/metrics/value?metric=errors&range=24h");
        var series = await AcmeGetAsync("/api/metrics/timeseries?range=24h");
        var reliability = await AcmeGetAsync("/api/metrics/reliability?range=24h");
        var overview = await AcmeGetAsync("/api/metrics/overview?range=24h&by=user");

        Assert.Equal(Acme.Count(), performance.GetProperty("summary").GetProperty("requests").GetInt64());
        Assert.Equal(Acme.Select(e => e.Country).Distinct().Count(), performance.GetProperty("summary").GetProperty("countries").GetInt64());
        Assert.Equal(JsonValueKind.Null, oneEndpoint.GetProperty("summary").GetProperty("countries").ValueKind);
        Assert.Equal(JsonValueKind.Null, overview.GetProperty("activeUsers").ValueKind);
        Assert.Equal(ByEndpoint(Acme), EndpointRows(performance));
        Assert.Equal(ByEndpoint(Acme), Rows(byEndpoint));
        Assert.Equal(Acme.Count(e => e.Route == "/orders/{id}" && e.Model == "gpt-small"), oneEndpoint.GetProperty("summary").GetProperty("requests").GetInt64());
        Assert.Equal(ByEndpoint(Acme.Where(e => e.Route == "/orders/{id}" && e.Model == "gpt-small")), EndpointRows(oneEndpoint));
        Assert.Equal(new Dictionary<string, long> { ["acme"] = Acme.Count() }, Rows(byOrg));
        Assert.Equal(Acme.GroupBy(e => e.User).ToDictionary(g => g.Key, g => (long)g.Count()), Rows(byUser));
        Assert.Equal(Acme.GroupBy(e => e.Model).ToDictionary(g => g.Key, g => g.Sum(e => e.Units)), Rows(byModel, "units"));
        Assert.Equal(Acme.GroupBy(e => e.Country).ToDictionary(g => g.Key, g => (long)g.Count()), Rows(byCountry));
        Assert.Equal(Acme.Where(e => e.Model == "gpt-large").GroupBy(e => e.Service).ToDictionary(g => g.Key, g => (long)g.Count()), Rows(byService));
        Assert.Equal(Acme.Where(e => e.Model == "gpt-small" && e.Service == "orders-api").Sum(e => e.Units), units.GetProperty("value").GetDecimal());
        Assert.Equal(Acme.Count(e => e.Status >= 500), errors.GetProperty("value").GetDecimal());
        Assert.Equal(Acme.Count(), series.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("requests").GetInt64()));
        Assert.Equal(Acme.Count(), reliability.GetProperty("hours").EnumerateArray().Sum(p => p.GetProperty("requests").GetInt64()));
        // The dashboard's overview: the same numbers, and no usage (beacons carry no org).
        Assert.Equal(Acme.Count(), overview.GetProperty("performance").GetProperty("summary").GetProperty("requests").GetInt64());
        Assert.Equal(ByEndpoint(Acme), EndpointRows(overview.GetProperty("performance")));
        Assert.Equal(Acme.Count(), overview.GetProperty("series").GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("requests").GetInt64()));
        Assert.Equal(Acme.GroupBy(e => e.User).ToDictionary(g => g.Key, g => (long)g.Count()), Rows(overview.GetProperty("breakdown")));
        Assert.Equal(JsonValueKind.Null, overview.GetProperty("usage").ValueKind);
        Assert.Equal(["prices", "requests"], overview.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("name").GetString()).Order());
        Assert.True(Acme.Count() is > 10 and < 150, "the traffic holds several orgs");
    }

    [Theory]
    [InlineData("/api/metrics/performance?range=24h&org=globex")]
    [InlineData("/api/metrics/breakdown?by=user&range=24h&org=globex")]
    [InlineData("/api/metrics/value?metric=spend&range=24h&org=initech")]
    [InlineData("/api/metrics/timeseries?range=24h&org=globex")]
    [InlineData("/api/metrics/reliability?range=24h&org=globex")]
    [InlineData("/api/metrics/overview?range=24h&org=globex")]
    public async Task Asking_for_another_org_is_a_403_that_says_which_org_the_key_reads(string pathAndQuery)
    {
        var response = await _app.Client.GetAsAsync(pathAndQuery, AcmeKey);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'acme' only", (await response.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/metrics/usage?range=24h", HttpStatusCode.Forbidden)]
    [InlineData("/api/admin/prices", HttpStatusCode.Forbidden)]
    [InlineData("/api/metrics/breakdown?by=user&endpoint=/orders&range=24h", HttpStatusCode.BadRequest)]
    [InlineData("/api/metrics/timeseries?range=24h&metric=usage", HttpStatusCode.BadRequest)]
    public async Task What_an_org_admin_cannot_read_is_refused_with_a_reason(string pathAndQuery, HttpStatusCode expected)
    {
        var response = await _app.Client.GetAsAsync(pathAndQuery, AcmeKey);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_global_admin_may_filter_by_any_org_and_model_and_the_audit_records_the_org_admins_org()
    {
        var globex = await (await _app.Client.GetAsAsync("/api/metrics/breakdown?by=model&org=globex&range=24h")).ReadJsonAsync();
        var large = await (await _app.Client.GetAsAsync("/api/metrics/performance?model=gpt-large&range=24h")).ReadJsonAsync();
        var everyone = await (await _app.Client.GetAsAsync("/api/metrics/performance?range=24h")).ReadJsonAsync();
        await AcmeGetAsync("/api/metrics/breakdown?by=org&range=24h");

        Assert.Equal(_sent.Where(e => e.Org == "globex").GroupBy(e => e.Model).ToDictionary(g => g.Key, g => (long)g.Count()), Rows(globex));
        Assert.Equal(ByEndpoint(_sent.Where(e => e.Model == "gpt-large")), EndpointRows(large));
        Assert.Equal(ByEndpoint(_sent), EndpointRows(everyone));
        var audit = await _app.Storage.AllAsync(AdminTables.Audit);
        Assert.Contains(audit, row => row.GetString("Org") == "acme" && row.GetString("Roles") == "org-admin" && row.GetString("Path") == "/api/metrics/breakdown");
        Assert.DoesNotContain(audit, row => row.GetString("Org") is not null && row.GetString("Roles")!.Contains("admin,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_org_admins_breakdown_export_holds_only_its_org_lies_in_its_folder_and_only_its_exports_are_listed()
    {
        var theirs = await _app.Client.ExportAndWaitAsync(new JsonObject { ["kind"] = "breakdown", ["by"] = "org", ["range"] = "24h" });
        var accepted = await _app.Client.PostExportAsync(new JsonObject { ["kind"] = "breakdown", ["by"] = "user", ["range"] = "24h" }, AcmeKey);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await accepted.ReadJsonAsync()).GetProperty("id").GetString()!;
        var export = await _app.Client.WaitUntilFinishedAsync(id);

        var (_, rows) = ExportCalls.ParseCsv(await ExportCalls.DownloadBytesAsync(export));
        Assert.Equal(Acme.GroupBy(e => e.User).ToDictionary(g => g.Key, g => (long)g.Count()),
            rows.ToDictionary(r => r["key"], r => (long)ExportCalls.Number(r["requests"])));
        Assert.Equal("acme", export.GetProperty("org").GetString());
        var blob = (await _app.Storage.AllAsync("Exports")).Single(r => r.RowKey == id).GetString("Blob");
        Assert.StartsWith($"acme/{id}/", blob, StringComparison.Ordinal);
        var listed = await (await _app.Client.GetAsAsync("/api/exports", AcmeKey)).ReadJsonAsync();
        Assert.Equal([id], listed.GetProperty("exports").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.GetAsAsync($"/api/exports/{theirs.GetProperty("id").GetString()}", AcmeKey)).StatusCode);
        Assert.Equal(2, (await (await _app.Client.GetAsAsync("/api/exports", TestApp.FinanceKey)).ReadJsonAsync()).GetProperty("exports").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"kind": "finance-mtd"}""")]
    [InlineData("""{"kind": "breakdown", "by": "org", "org": "globex"}""")]
    public async Task An_org_admin_may_not_export_finance_data_or_another_org(string body)
    {
        var response = await _app.Client.PostExportAsync(JsonNode.Parse(body)!, AcmeKey);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("'acme'", (await response.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await (await _app.Client.GetAsAsync("/api/exports", TestApp.FinanceKey)).ReadJsonAsync()).GetProperty("exports").EnumerateArray());
    }
}
