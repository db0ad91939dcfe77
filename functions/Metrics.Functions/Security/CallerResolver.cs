using System.Security.Cryptography;
using System.Text;
using Metrics.Core.Security;
using Metrics.Storage.Admin;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Security;

/// <summary>
/// Turns a request into a <see cref="Caller"/>: roles from every key list that accepts its
/// <c>Authorization: Bearer</c> key (admin keys also as <c>x-functions-key</c>, as with Core Tools), plus,
/// when trusted, roles from the platform principal. Both count: behind App Service authentication the bearer
/// token is the user's own Entra token, which no key list knows.
/// </summary>
public sealed class CallerResolver(IOptions<AuthOptions> auth, IngestKeys ingestKeys)
{
    private readonly ApiKeys _adminKeys = new(auth.Value.AdminKeys);
    private readonly ApiKeys _financeKeys = new(auth.Value.FinanceKeys);
    private readonly (string Org, ApiKeys Keys)[] _orgKeys = auth.Value.OrgKeys.Select(o => (o.Key, new ApiKeys(o.Value))).ToArray();
    private readonly HashSet<string> _adminGroups = auth.Value.AdminGroups
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public Caller Resolve(HttpRequest request)
    {
        var roles = new HashSet<string>(StringComparer.Ordinal);
        string? name = null;
        string? org = null;

        if (BearerToken(request) is { } key)
        {
            if (_adminKeys.Accepts(key)) roles.Add(CallerRoles.Admin);
            if (_financeKeys.Accepts(key)) roles.Add(CallerRoles.Finance);
            if (ingestKeys.Accept(key)) roles.Add(CallerRoles.Ingest);
            foreach (var (keyOrg, keys) in _orgKeys)
            {
                if (!keys.Accepts(key)) continue;
                org = keyOrg;
                roles.Add(CallerRoles.OrgAdmin);
            }
            if (roles.Count > 0) name = KeyName(key);
        }
        if (request.Headers["x-functions-key"].ToString() is { Length: > 0 } functionKey && _adminKeys.Accepts(functionKey))
        {
            roles.Add(CallerRoles.Admin);
            name ??= KeyName(functionKey);
        }
        if (auth.Value.TrustPlatformPrincipal && PlatformPrincipal.From(request) is { } principal)
        {
            if (principal.RolesAndGroups.Any(_adminGroups.Contains)) roles.Add(CallerRoles.Admin);
            if (principal.RolesAndGroups.Contains(CallerRoles.Finance, StringComparer.OrdinalIgnoreCase)) roles.Add(CallerRoles.Finance);
            if (OrgOf(principal) is { } principalOrg)
            {
                org = principalOrg;
                roles.Add(CallerRoles.OrgAdmin);
            }
            name = principal.Name ?? "principal";
        }
        return name is null ? Caller.Anonymous : new Caller(name, roles, org);
    }

    /// <summary>A principal's org, when it is an org admin: a group mapped to an org, or the org claim with the org-admin role.</summary>
    private string? OrgOf(PlatformPrincipal principal) =>
        principal.RolesAndGroups.Select(group => auth.Value.OrgGroups.GetValueOrDefault(group)).FirstOrDefault(org => !string.IsNullOrEmpty(org))
        ?? (principal.RolesAndGroups.Contains(CallerRoles.OrgAdmin, StringComparer.OrdinalIgnoreCase)
            ? principal.Claims.FirstOrDefault(c => c.Type.Equals(auth.Value.OrgClaim, StringComparison.OrdinalIgnoreCase)).Value
            : null);

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header["Bearer ".Length..].Trim() is { Length: > 0 } token ? token : null;
    }

    /// <summary>Names a key caller in the audit without writing the key: the start of its hash tells keys apart.</summary>
    private static string KeyName(string key) => $"key:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8]}";
}
