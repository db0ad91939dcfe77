using System.Diagnostics;

namespace Metrics.Storage.Azurite;

/// <summary>A running Azurite. Can be stopped and started again on the same ports (outage tests).</summary>
public sealed class AzuriteProcess(string entryScript, AzuriteOptions options) : IAsyncDisposable
{
    private readonly Queue<string> _lastOutput = new();
    private Process? _process;

    public AzuriteOptions Options => options;
    public string ConnectionString => options.ConnectionString;

    public async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(entryScript);
        foreach (var argument in Arguments()) start.ArgumentList.Add(argument);
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + timeout;
        while (!(AzuriteLauncher.Accepts(options.TablePort) && AzuriteLauncher.Accepts(options.BlobPort)))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"Azurite did not start on ports {options.BlobPort}/{options.TablePort}:\n{string.Join('\n', _lastOutput)}");
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } running) return;
        running.Kill(entireProcessTree: true);
        await running.WaitForExitAsync().ConfigureAwait(false);
        running.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private IEnumerable<string> Arguments()
    {
        yield return "--silent";
        yield return "--skipApiVersionCheck";
        yield return "--loose";
        foreach (var (service, port) in new[] { ("blob", options.BlobPort), ("queue", options.QueuePort), ("table", options.TablePort) })
        {
            yield return $"--{service}Host";
            yield return "127.0.0.1";
            yield return $"--{service}Port";
            yield return port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (options.Location is { } folder)
        {
            yield return "--location";
            yield return folder;
        }
        else yield return "--inMemoryPersistence";
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_lastOutput)
        {
            _lastOutput.Enqueue(line);
            if (_lastOutput.Count > 50) _lastOutput.Dequeue();
        }
    }
}
