namespace Metrics.Functions.Hosting;

/// <summary>Whether this process runs as a custom handler under the Azure Functions host.</summary>
public static class FunctionsHost
{
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";
    public const string LocalUrl = "http://127.0.0.1:7071";

    public static string? Port => Environment.GetEnvironmentVariable(PortVariable) is { Length: > 0 } port ? port : null;

    /// <summary>Under the host, the host runs the timers and forwards HTTP requests to us.</summary>
    public static bool IsHosted => Port is not null;
}
