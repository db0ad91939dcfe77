using System.Diagnostics;
using System.Text.Json;

namespace Metrics.LocalHost.Worker;

/// <summary>
/// The worker process, started as the Functions host starts a language worker: the executable and entry point its
/// <c>worker.config.json</c> names, the host's gRPC address and ids as arguments, the app settings as environment
/// variables, the app directory as working directory. Its console output goes to the host's log.
/// </summary>
internal sealed partial class WorkerProcess : IAsyncDisposable
{
    private const int KeptLines = 20;

    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lastLines = new();

    private WorkerProcess(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
        Exited = process.WaitForExitAsync();
    }

    public int Id => _process.Id;

    /// <summary>Completes when the process has exited, for whatever reason.</summary>
    public Task Exited { get; }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The last lines the process wrote to its console: why it exited, when it did.</summary>
    public string LastOutput => string.Join('\n', _lastLines);

    public static WorkerProcess Start(string appDirectory, Uri hostEndpoint, string workerId, IReadOnlyDictionary<string, string?> environment, ILogger logger)
    {
        var (executable, entryPoint) = ReadWorkerConfig(appDirectory);
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (entryPoint is not null) start.ArgumentList.Add(entryPoint);
        foreach (var argument in new[]
                 {
                     "--functions-uri", hostEndpoint.AbsoluteUri, "--functions-worker-id", workerId, "--functions-request-id", Guid.NewGuid().ToString(),
                     "--functions-grpc-max-message-length", int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start the worker ({executable})");
        var worker = new WorkerProcess(process, logger);
        // The worker does not notice when its host is gone: if this process ends before it has stopped the worker
        // (a signal cutting shutdown short), the worker ends with it rather than live on, orphaned.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => worker.EndIfRunning();
        process.OutputDataReceived += (_, line) => { if (line.Data is { Length: > 0 } text) worker.Keep(text, error: false); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is { Length: > 0 } text) worker.Keep(text, error: true); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        LogStarted(logger, process.Id, executable, entryPoint ?? "");
        return worker;
    }

    /// <summary>Ends the process if it is still running (the host first asks it to stop, over the stream).</summary>
    public async ValueTask DisposeAsync()
    {
        EndIfRunning();
        await Exited;
        _process.Dispose();
    }

    private void EndIfRunning()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already gone, or was never started.
        }
    }

    private void Keep(string line, bool error)
    {
        _lastLines.Enqueue(line);
        while (_lastLines.Count > KeptLines) _lastLines.TryDequeue(out _);
        if (error) LogError(_logger, line);
        else LogOutput(_logger, line);
    }

    /// <summary><c>worker.config.json</c>, written to the app directory by the worker SDK: how to run the worker.</summary>
    private static (string Executable, string? EntryPoint) ReadWorkerConfig(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "worker.config.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: is {appDirectory} the build output of a .NET isolated worker app?", path);
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var description = config.RootElement.GetProperty("description");
        var executable = description.GetProperty("defaultExecutablePath").GetString()!;
        var entryPoint = description.TryGetProperty("defaultWorkerPath", out var worker) ? worker.GetString() : null;
        return (executable, entryPoint is null ? null : Path.Combine(appDirectory, entryPoint));
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Worker process {Pid} started: {Executable} {EntryPoint}")]
    private static partial void LogStarted(ILogger logger, int pid, string executable, string entryPoint);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogOutput(ILogger logger, string line);

    [LoggerMessage(EventId = 203, Level = LogLevel.Error, Message = "{Line}")]
    private static partial void LogError(ILogger logger, string line);
}
