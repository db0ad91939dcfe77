using System.Diagnostics;

namespace Metrics.Functions.Tests.Operations;

/// <summary>
/// Prometheus's own checker of the exposition format (Debian's <c>prometheus</c> package;
/// <c>install-promtool.sh</c>, which <c>.ci/run</c> runs).
/// </summary>
internal static class Promtool
{
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => System.IO.Path.Combine(directory, "promtool")).FirstOrDefault(File.Exists);

    /// <summary>Runs <c>promtool check metrics</c> on the text; answers its exit code and everything it said.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string promtool, string metrics)
    {
        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(metrics);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }
}
