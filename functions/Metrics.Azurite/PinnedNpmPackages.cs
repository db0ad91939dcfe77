using System.Diagnostics;
using System.Security.Cryptography;

namespace Metrics.Azurite;

/// <summary>
/// npm packages pinned by a lockfile, installed on first use with <c>npm ci</c> into a per-user cache shared by every run
/// and test project (<c>~/.cache/metrics-functions</c>, or <c>AZURITE_HOME</c>), one folder per lockfile: Azurite, and
/// the tests' own Node tools.
/// </summary>
public static class PinnedNpmPackages
{
    /// <summary>Installs the packages of <paramref name="source"/>'s lockfile once per lockfile; returns the path of <paramref name="entry"/> in the install.</summary>
    /// <param name="source">A folder holding package.json and package-lock.json.</param>
    /// <param name="name">The install's folder name, before the lockfile's hash.</param>
    /// <param name="entry">A file the install must hold, relative to its folder.</param>
    public static async Task<string> InstallAsync(string source, string name, string entry, CancellationToken cancellationToken = default)
    {
        var lockfile = await File.ReadAllBytesAsync(Path.Combine(source, "package-lock.json"), cancellationToken).ConfigureAwait(false);
        var home = Environment.GetEnvironmentVariable("AZURITE_HOME") is { Length: > 0 } configured ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "metrics-functions");
        var folder = Path.Combine(home, name + "-" + Convert.ToHexStringLower(SHA256.HashData(lockfile).AsSpan(0, 6)));
        entry = Path.Combine(folder, entry);
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
}
