namespace Metrics.LocalHost.Settings;

/// <summary>
/// The app settings a run gives its functions: those of <c>local.settings.json</c> and those passed to the host, each
/// with the value configuration resolves for it (environment variables and the command line win over the file). The
/// worker gets them as environment variables, <c>:</c> written <c>__</c>, as it would in Azure.
/// </summary>
public sealed class AppSettings(IConfiguration configuration, IEnumerable<string> names)
{
    /// <summary>The switch Functions uses to keep a function from being triggered (it can still be run by hand).</summary>
    public static string DisabledSetting(string function) => $"AzureWebJobs.{function}.Disabled";

    private readonly string[] _names = names.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    public string? this[string name] => configuration[name];

    public bool IsDisabled(string function) => configuration.GetValue<bool>(DisabledSetting(function));

    /// <summary>The worker's environment: the settings, and the variables the Functions host sets for a .NET isolated worker.</summary>
    public IReadOnlyDictionary<string, string?> WorkerEnvironment(string appDirectory, string environmentName)
    {
        var environment = _names.ToDictionary(name => name.Replace(":", "__", StringComparison.Ordinal), name => configuration[name]);
        environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        environment["AzureWebJobsScriptRoot"] = appDirectory;
        foreach (var name in new[] { "AZURE_FUNCTIONS_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT" }) environment[name] = environmentName;
        // The worker's own HTTP server listens where the worker chooses, never where this host does.
        foreach (var name in new[] { "ASPNETCORE_URLS", "URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS" }) environment[name] = null;
        return environment;
    }
}
