using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Metrics.Azurite;

/// <summary>
/// Starts the Azurite storage emulator from npm, installed on first use with <c>npm ci</c> from the
/// lockfile shipped beside this assembly into a per-user cache shared by every run and test project.
/// </summary>
public static class AzuriteLauncher
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Whether something already listens on the ports (a running Azurite to reuse).</summary>
    public static bool IsListening(AzuriteOptions options) =>
        Accepts(options.BlobPort) && Accepts(options.TablePort);

    public static async Task<AzuriteProcess> StartAsync(AzuriteOptions options, CancellationToken cancellationToken = default)
    {
        var entry = await InstallAsync(cancellationToken).ConfigureAwait(false);
        var process = new AzuriteProcess(entry, options);
        await process.StartAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
        return process;
    }

    /// <summary>
    /// Starts Azurite on ports the OS reports free, choosing again when one was taken by another process
    /// between the choice and Azurite's bind (parallel test runs and benchmarks).
    /// </summary>
    public static async Task<AzuriteProcess> StartOnFreePortsAsync(string? location = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartAsync(AzuriteOptions.OnFreePorts(location), cancellationToken).ConfigureAwait(false);
            }
            catch (AzuriteStartException e) when (attempt < 5 && AzuriteProcess.IsPortTaken(e))
            {
                // Another process won the race for a port: choose new ones.
            }
        }
    }

    /// <summary>Installs the pinned Azurite once per lockfile; returns the path of its entry script.</summary>
    public static async Task<string> InstallAsync(CancellationToken cancellationToken = default)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Azurite");
        var lockfile = await File.ReadAllBytesAsync(Path.Combine(source, "package-lock.json"), cancellationToken).ConfigureAwait(false);
        var home = Environment.GetEnvironmentVariable("AZURITE_HOME") is { Length: > 0 } configured ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "metrics-functions");
        var folder = Path.Combine(home, "azurite-" + Convert.ToHexStringLower(SHA256.HashData(lockfile).AsSpan(0, 6)));
        var entry = Path.Combine(folder, "node_modules", "azurite", "dist", "src", "azurite.js");
        // npm writes the entry script long before the rest of the package: only the mark written after `npm ci`
        // finished says the install is whole (a parallel test run once started a half-installed Azurite).
        var installed = Path.Combine(folder, ".installed");
        if (File.Exists(installed)) return entry;

        Directory.CreateDirectory(home);
        // Test projects run in parallel: one installs, the others wait for it.
        await using var installLock = await LockAsync(folder + ".lock", cancellationToken).ConfigureAwait(false);
        if (File.Exists(installed)) return entry;
        Directory.CreateDirectory(folder);
        foreach (var file in new[] { "package.json", "package-lock.json" })
            File.Copy(Path.Combine(source, file), Path.Combine(folder, file), overwrite: true);
        await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], folder, cancellationToken).ConfigureAwait(false);
        if (!File.Exists(entry)) throw new InvalidOperationException($"npm ci finished but {entry} is missing");
        await File.WriteAllTextAsync(installed, DateTimeOffset.UtcNow.ToString("O"), cancellationToken).ConfigureAwait(false);
        return entry;
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task RunAsync(string command, string[] arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}) in {workingDirectory}:\n{await output.ConfigureAwait(false)}\n{await errors.ConfigureAwait(false)}");
    }

    internal static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
