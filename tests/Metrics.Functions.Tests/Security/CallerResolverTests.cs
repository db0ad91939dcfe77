using Metrics.Functions.Ingest;
using Metrics.Functions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Tests.Security;

/// <summary>Which roles and name a request resolves to, without a server: the rules of docs/api.md's auth (keys, roles, the platform principal).</summary>
public sealed class CallerResolverTests
{
    private static CallerResolver Resolver(bool trusted = true) => new(
        Options.Create(new AuthOptions { AdminKeys = "admin-1;admin-2", FinanceKeys = "finance-1;admin-2", TrustPlatformPrincipal = trusted }),
        new IngestKeys(Options.Create(new IngestOptions { Keys = "ingest-1" })));

    private static HttpRequest Request(string? bearer = null, string? principal = null, string? principalName = null)
    {
        var request = new DefaultHttpContext().Request;
        if (bearer is not null) request.Headers.Authorization = $"Bearer {bearer}";
        if (principal is not null) request.Headers["X-MS-CLIENT-PRINCIPAL"] = principal;
        if (principalName is not null) request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"] = principalName;
        return request;
    }

    [Theory]
    [InlineData("admin-1", "admin")]
    [InlineData("finance-1", "finance")]
    [InlineData("ingest-1", "ingest")]
    [InlineData("admin-2", "admin,finance")]
    public void Each_key_list_that_holds_the_key_gives_its_role(string key, string roles)
    {
        var caller = Resolver().Resolve(Request(bearer: key));

        Assert.True(caller.IsIdentified);
        Assert.Equal(roles, string.Join(',', caller.Roles.Order(StringComparer.Ordinal)));
        Assert.StartsWith("key:", caller.Name, StringComparison.Ordinal);
        Assert.DoesNotContain(key, caller.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Principal_finance_role_gives_finance_and_its_name_claim_names_the_caller()
    {
        var caller = Resolver().Resolve(Request(principal: Callers.Principal(("roles", "Finance"), (Callers.NameClaim, "ana@example.com")),
            principalName: "someone-else@example.com"));

        Assert.Equal(["finance"], caller.Roles);
        Assert.Equal("ana@example.com", caller.Name);
    }

    [Fact]
    public void Principal_without_a_name_claim_is_named_by_the_platform_header()
    {
        var caller = Resolver().Resolve(Request(principal: Callers.Principal(("groups", "admins")), principalName: "bo@example.com"));

        Assert.Equal(["admin"], caller.Roles);
        Assert.Equal("bo@example.com", caller.Name);
    }

    [Fact]
    public void Principal_roles_add_to_a_key_even_when_the_bearer_token_is_the_users_own()
    {
        var withKey = Resolver().Resolve(Request(bearer: "finance-1", principal: Callers.Principal(("groups", "admins"))));
        var withEntraToken = Resolver().Resolve(Request(bearer: "eyJ0eXAiOiJKV1Qi.entra.token", principal: Callers.Principal(("groups", "admins"))));

        Assert.Equal(["admin", "finance"], withKey.Roles.Order(StringComparer.Ordinal));
        Assert.Equal(["admin"], withEntraToken.Roles);
    }

    [Fact]
    public void A_request_resolves_its_caller_once_and_functions_see_the_one_the_role_check_saw()
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddSingleton(Resolver()).BuildServiceProvider() };
        context.Request.Headers.Authorization = "Bearer admin-1";

        var checkedByRoles = Caller.Of(context);
        context.Request.Headers.Authorization = "Bearer finance-1";

        Assert.Same(checkedByRoles, Caller.Of(context));
        Assert.True(checkedByRoles.IsIn(CallerRoles.Admin));
    }

    [Fact]
    public void Untrusted_principal_proves_nothing()
    {
        var caller = Resolver(trusted: false).Resolve(Request(principal: Callers.Principal(("groups", "admins")), principalName: "mallory"));

        Assert.False(caller.IsIdentified);
        Assert.Equal("anonymous", caller.Name);
    }
}
