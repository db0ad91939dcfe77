namespace Metrics.Storage.Admin;

/// <summary>The tables of the admin functions (before the configured prefix).</summary>
public static class AdminTables
{
    public const string Audit = "Audit";
    public const string Roster = "Roster";
    public const string Prices = "Prices";
}
