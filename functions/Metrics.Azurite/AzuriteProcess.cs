using System.Diagnostics;

namespace Metrics.Azurite;

/// <summary>A running Azurite. Can be stopped and started again on the same ports (outage tests).</summary>
public sealed class AzuriteProcess(string entryScript, AzuriteOptions options) : IAsyncDisposable
{
    private readonly Queue<string> _lastOutput = new();
    private Process? _process;
    private TaskCompletionSource _ready = new();
    private int _listening;

    public AzuriteOptions Options => options;
    public string ConnectionString => options.ConnectionString;

    /// <summary>The CPU time Azurite has used so far: benchmarks tell the emulator's share of a query's time from ours.</summary>
    public TimeSpan CpuTime => _process?.TotalProcessorTime ?? TimeSpan.Zero;

    /// <summary>
    /// Starts Azurite and waits until it says both its table and blob services listen. An open port alone
    /// proves nothing: another process may have taken a port between its choice and Azurite's bind, and
    /// Azurite then exits, leaving the port answering for someone else.
    /// </summary>
    public async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(entryScript);
        foreach (var argument in Arguments()) start.ArgumentList.Add(argument);
        lock (_lastOutput) _lastOutput.Clear();
        _listening = 0;
        var ready = _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = _process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.Exited += (_, _) => FailIfExitedEarly(process, ready);
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited) FailIfExitedEarly(process, ready);

        try
        {
            await ready.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await StopAsync().ConfigureAwait(false);
            throw NotStarted($"it did not say it was listening within {timeout.TotalSeconds:0} s");
        }
        catch
        {
            await StopAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Whether a failed start was Azurite finding one of its ports taken (worth new ports).</summary>
    public static bool IsPortTaken(Exception exception) =>
        exception is AzuriteStartException { Output: var output } && output.Contains("EADDRINUSE", StringComparison.Ordinal);

    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        process.Dispose();
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
        // "Azurite Blob service is successfully listening at http://127.0.0.1:10000", and the same for Table.
        if ((line.StartsWith("Azurite Blob service is successfully listening", StringComparison.Ordinal)
             || line.StartsWith("Azurite Table service is successfully listening", StringComparison.Ordinal))
            && Interlocked.Increment(ref _listening) == 2)
            _ready.TrySetResult();
    }

    private void FailIfExitedEarly(Process process, TaskCompletionSource ready)
    {
        if (ready.Task.IsCompleted) return;
        try
        {
            process.WaitForExit(); // drains the output, so the reason (say, EADDRINUSE) is in the message
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // Stopped and disposed meanwhile: the output read so far is all there is.
        }
        ready.TrySetException(NotStarted("it exited"));
    }

    private AzuriteStartException NotStarted(string why)
    {
        string output;
        lock (_lastOutput) output = string.Join('\n', _lastOutput);
        return new AzuriteStartException($"Azurite did not start on ports {options.BlobPort}/{options.TablePort}: {why}.\n{output}", output);
    }
}
