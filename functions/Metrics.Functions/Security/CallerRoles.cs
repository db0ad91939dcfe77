namespace Metrics.Functions.Security;

/// <summary>The roles a caller can hold (docs/api.md, "Queries" and "Exports").</summary>
public static class CallerRoles
{
    public const string Admin = "admin";
    public const string Finance = "finance";
    /// <summary>A service's ingestion key: known, so another route answers it 403 rather than 401, but no query or admin route accepts it.</summary>
    public const string Ingest = "ingest";
    /// <summary>An admin of one organisation: the query routes and the breakdown export, every answer kept to that org.</summary>
    public const string OrgAdmin = "org-admin";
}
