using System.ComponentModel.DataAnnotations;

namespace Metrics.Storage;

/// <summary>Where the data lives: configuration section <c>Storage</c> (docs/api.md, "Configuration").</summary>
public sealed class StorageOptions
{
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>A connection string; <c>UseDevelopmentStorage=true</c> means local Azurite.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>With no connection string: the account, reached with Azure.Identity (managed identity).</summary>
    public string? AccountName { get; set; }

    /// <summary>Prefixed to every table and container name; tests use it to keep their data apart.</summary>
    [RegularExpression("^[a-z0-9]{0,20}$")]
    public string Prefix { get; set; } = "";

    public bool UsesDevelopmentStorage =>
        AccountName is null && (ConnectionString is null || ConnectionString.Contains(DevelopmentStorage, StringComparison.OrdinalIgnoreCase));
}
