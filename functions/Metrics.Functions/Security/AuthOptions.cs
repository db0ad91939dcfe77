namespace Metrics.Functions.Security;

/// <summary>Who may call admin and finance functions (configuration section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string DefaultAdminGroups = "admins,workspace_admins,administrators";

    /// <summary><c>;</c>-separated admin API keys or <c>sha256:</c> hashes, sent as <c>Authorization: Bearer</c>.</summary>
    public string? AdminKeys { get; set; }

    public string? FinanceKeys { get; set; }

    /// <summary>Org admins' keys per org (<c>Auth__OrgKeys__{org}</c>), <c>;</c>-separated keys or <c>sha256:</c> hashes.</summary>
    public Dictionary<string, string> OrgKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Behind App Service authentication: the claim naming a signed-in org admin's org.</summary>
    public string OrgClaim { get; set; } = "org";

    /// <summary>Behind App Service authentication: groups or roles whose members are admins of an org (<c>Auth__OrgGroups__{group}=org</c>).</summary>
    public Dictionary<string, string> OrgGroups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Trust <c>X-MS-CLIENT-PRINCIPAL</c>: only behind App Service authentication, which sets it.</summary>
    public bool TrustPlatformPrincipal { get; set; }

    /// <summary>From the top-level <c>ADMIN_GROUPS</c> key: groups or roles that count as admin.</summary>
    public string AdminGroups { get; set; } = DefaultAdminGroups;
}
