using System.Text.Json;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace Metrics.LocalHost.Settings;

/// <summary>
/// The <c>Values</c> of <c>local.settings.json</c>, read as Core Tools reads them: the app settings of a local run.
/// Looked for from the content root up to the repository root; when absent in Development,
/// <c>local.settings.sample.json</c> is used so a fresh clone runs as it is.
/// </summary>
internal static class LocalSettings
{
    /// <summary>Adds the file's values below environment variables and the command line, which still override them.</summary>
    public static IReadOnlyCollection<string> AddLocalSettings(this ConfigurationManager configuration, IHostEnvironment environment)
    {
        var file = Find(environment.ContentRootPath, "local.settings.json")
            ?? (environment.IsDevelopment() ? Find(environment.ContentRootPath, "local.settings.sample.json") : null);
        if (file is null) return [];

        using var document = JsonDocument.Parse(File.ReadAllText(file));
        if (!document.RootElement.TryGetProperty("Values", out var values)) return [];
        var settings = values.EnumerateObject().ToDictionary(v => v.Name.Replace("__", ":", StringComparison.Ordinal),
            v => (string?)(v.Value.ValueKind == JsonValueKind.String ? v.Value.GetString() : v.Value.GetRawText()));

        var sources = configuration.Sources;
        var index = sources.ToList().FindIndex(s => s is EnvironmentVariablesConfigurationSource);
        sources.Insert(index < 0 ? sources.Count : index, new MemoryConfigurationSource { InitialData = settings });
        return settings.Keys;
    }

    private static string? Find(string start, string name)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, name);
            if (File.Exists(candidate)) return candidate;
            if (File.Exists(Path.Combine(folder.FullName, "host.json")) && folder.GetFiles("*.sln").Length > 0) return null;
        }
        return null;
    }
}
