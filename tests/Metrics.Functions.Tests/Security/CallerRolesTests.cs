using System.Net;
using Metrics.Functions.Tests.Ingest;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Security;

[Collection(AzuriteCollection.Name)]
public sealed class CallerRolesTests(SharedAzurite azurite)
{
    private const string AdminRoute = "/api/admin/roster";
    private static readonly Dictionary<string, string?> Trusted = new() { ["Auth:TrustPlatformPrincipal"] = "true" };

    [Fact]
    public async Task Admin_route_without_identity_is_401_problem()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);

        var response = await app.Client.GetAsAsync(AdminRoute, key: null);

        await AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized", response);
    }

    [Theory]
    [InlineData("not-a-configured-key")]
    [InlineData(TestApp.IngestKey)]
    public async Task Unknown_or_ingest_key_cannot_use_an_admin_route(string key)
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);

        var response = await app.Client.GetAsAsync(AdminRoute, key);

        Assert.Equal(key == TestApp.IngestKey ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Finance_key_on_an_admin_route_is_403_problem()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);

        var response = await app.Client.GetAsAsync(AdminRoute, TestApp.FinanceKey);

        await AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden", response);
    }

    [Fact]
    public async Task Admin_key_is_allowed_as_bearer_or_as_x_functions_key()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);

        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsAsync(AdminRoute, TestApp.AdminKey)).StatusCode);
        using var request = Callers.Request(HttpMethod.Get, AdminRoute);
        request.Headers.Add("x-functions-key", TestApp.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Admin_key_given_as_a_sha256_hash_in_configuration_is_accepted()
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("hashed-admin-key"u8));
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Auth:AdminKeys"] = $"sha256:{hash}" });

        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsAsync(AdminRoute, "hashed-admin-key")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.GetAsAsync(AdminRoute, hash)).StatusCode);
    }

    [Theory]
    [InlineData("groups", "Workspace_Admins")]
    [InlineData("roles", "ADMINISTRATORS")]
    [InlineData(Callers.RoleClaim, "admins")]
    public async Task Trusted_principal_in_an_admin_group_is_allowed_whatever_the_case(string claim, string group)
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, Trusted);

        var response = await app.Client.GetAsAsync(AdminRoute, key: null, Callers.Principal((claim, group)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Trusted_principal_without_an_admin_group_is_403()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, Trusted);

        var response = await app.Client.GetAsAsync(AdminRoute, key: null, Callers.Principal(("groups", "finance"), ("groups", "readers")));

        await AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden", response);
    }

    [Fact]
    public async Task Principal_header_is_ignored_when_the_platform_is_not_trusted()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);

        var response = await app.Client.GetAsAsync(AdminRoute, key: null, Callers.Principal(("groups", "admins"), ("roles", "admin")));

        await AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized", response);
    }

    [Theory]
    [InlineData("%%% not base64 %%%")]
    [InlineData("eyJub3QganNvbg==")]
    [InlineData("WyJhZG1pbnMiXQ==")]
    [InlineData("eyJjbGFpbXMiOiJhZG1pbnMifQ==")]
    public async Task Malformed_principal_is_treated_as_no_identity(string header)
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, Trusted);

        var response = await app.Client.GetAsAsync(AdminRoute, key: null, header);

        await AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized", response);
    }

    [Fact]
    public async Task Custom_ADMIN_GROUPS_replace_the_default_groups()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString,
            new Dictionary<string, string?>(Trusted) { ["ADMIN_GROUPS"] = "ops-team, 6f1c2a9e-0000-4000-8000-00000000abcd" });

        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsAsync(AdminRoute, null, Callers.Principal(("groups", "OPS-TEAM")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await app.Client.GetAsAsync(AdminRoute, null, Callers.Principal(("groups", "6F1C2A9E-0000-4000-8000-00000000ABCD")))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client.GetAsAsync(AdminRoute, null, Callers.Principal(("groups", "admins")))).StatusCode);
    }

    [Fact]
    public async Task Timer_run_now_needs_an_admin_key_as_the_hosts_admin_api_needs_its_master_key()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.SendAsync(HttpMethod.Post, "/admin/functions/Nothing")).StatusCode);
        await AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized", await app.Client.SendAsync(HttpMethod.Post, "/admin/functions/Nothing", TestApp.FinanceKey));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.SendAsync(HttpMethod.Post, "/admin/functions/Nothing", TestApp.AdminKey)).StatusCode);
    }

    private static async Task AssertProblemAsync(HttpStatusCode status, string type, HttpResponseMessage response)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"urn:metrics-functions:problem:{type}", (await response.ReadJsonAsync()).GetProperty("type").GetString());
    }
}
