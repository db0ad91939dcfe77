using System.Net.Sockets;

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
    public static Task<string> InstallAsync(CancellationToken cancellationToken = default) =>
        PinnedNpmPackages.InstallAsync(Path.Combine(AppContext.BaseDirectory, "Azurite"), "azurite", Path.Combine("node_modules", "azurite", "dist", "src", "azurite.js"),
            cancellationToken);

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
