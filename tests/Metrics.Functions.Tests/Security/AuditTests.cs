using System.Net;
using Metrics.Storage.Admin;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Security;

[Collection(AzuriteCollection.Name)]
public sealed class AuditTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Start = new(2025, 3, 14, 23, 59, 58, TimeSpan.Zero);

    [Fact]
    public async Task Allowed_and_denied_calls_are_audited_newest_first_without_function_keys()
    {
        var time = new SharedClock(Start);
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);

        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsAsync("/api/admin/roster?range=7d&code=secret-function-key")).StatusCode);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client.GetAsAsync("/api/admin/prices?from=2025-03-01&to=2025-03-02", TestApp.FinanceKey)).StatusCode);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.GetAsAsync("/api/admin/prices", key: null)).StatusCode);

        var rows = await app.Storage.AllAsync(AdminTables.Audit);
        Assert.Equal(3, rows.Count);
        var allowed = rows.Single(r => r.GetInt32("Status") == 200);
        var forbidden = rows.Single(r => r.GetInt32("Status") == 403);
        var anonymous = rows.Single(r => r.GetInt32("Status") == 401);
        Assert.Equal(("20250314", "20250314", "20250315"), (allowed.PartitionKey, forbidden.PartitionKey, anonymous.PartitionKey));
        Assert.True(string.CompareOrdinal(forbidden.RowKey, allowed.RowKey) < 0, "within a day, the newer call sorts first");

        Assert.Equal("allowed", allowed.GetString("Outcome"));
        Assert.Equal(200, allowed.GetInt32("Status"));
        Assert.Equal("GET", allowed.GetString("Method"));
        Assert.Equal("/api/admin/roster", allowed.GetString("Path"));
        Assert.Equal("?range=7d", allowed.GetString("Query"));
        Assert.Equal("7d", allowed.GetString("Range"));
        Assert.Equal("admin", allowed.GetString("Roles"));
        Assert.StartsWith("key:", allowed.GetString("Who"), StringComparison.Ordinal);
        Assert.Equal(Start, allowed.GetDateTimeOffset("At"));

        Assert.Equal("denied", forbidden.GetString("Outcome"));
        Assert.Equal(403, forbidden.GetInt32("Status"));
        Assert.Equal("finance", forbidden.GetString("Roles"));
        Assert.Equal("2025-03-01/2025-03-02", forbidden.GetString("Range"));

        Assert.Equal("denied", anonymous.GetString("Outcome"));
        Assert.Equal(401, anonymous.GetInt32("Status"));
        Assert.Equal("anonymous", anonymous.GetString("Who"));
        Assert.Equal("", anonymous.GetString("Query"));
        Assert.Equal(Start.AddSeconds(2), anonymous.GetDateTimeOffset("At"));
        Assert.DoesNotContain(rows, r => r.Keys.Any(k => r[k]?.ToString()?.Contains("secret", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task Audit_names_a_trusted_principal_and_records_the_handlers_status()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Auth:TrustPlatformPrincipal"] = "true" });
        var principal = Callers.Principal(("groups", "admins"), (Callers.NameClaim, "ana@example.com"));

        var response = await app.Client.SendAsync(HttpMethod.Put, "/api/admin/prices", principal: principal,
            content: Callers.Text("""{"gpt-small": -1}""", "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var row = Assert.Single(await app.Storage.AllAsync(AdminTables.Audit));
        Assert.Equal("ana@example.com", row.GetString("Who"));
        Assert.Equal("PUT", row.GetString("Method"));
        Assert.Equal(400, row.GetInt32("Status"));
        Assert.Equal("allowed", row.GetString("Outcome"));
    }

    [Fact]
    public async Task Call_that_cannot_be_audited_because_storage_is_down_is_503()
    {
        await using var app = await TestApp.StartAsync(UnreachableStorage.ConnectionString);

        var response = await app.Client.GetAsAsync("/api/admin/roster", key: null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
