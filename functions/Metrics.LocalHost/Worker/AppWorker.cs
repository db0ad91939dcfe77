using System.Diagnostics;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Metrics.LocalHost.Worker;

/// <summary>
/// The app's worker, started and loaded as the Functions host does it: open the gRPC endpoint, start the process, wait
/// for its stream, then init, ask for the function metadata, and load each function. Afterwards it takes invocations.
/// </summary>
public sealed partial class AppWorker : IAsyncDisposable
{
    public const string HostVersion = "4.0.0-metrics-localhost";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan TerminationGrace = TimeSpan.FromSeconds(5);

    private readonly FunctionRpcEndpoint _endpoint;
    private readonly WorkerProcess _process;
    private readonly WorkerChannel _channel;
    private readonly ILogger _logger;

    private AppWorker(FunctionRpcEndpoint endpoint, WorkerProcess process, WorkerChannel channel, Uri httpUri, IReadOnlyList<WorkerFunction> functions, ILogger logger)
    {
        _endpoint = endpoint;
        _process = process;
        _channel = channel;
        HttpUri = httpUri;
        Functions = functions;
        _logger = logger;
    }

    /// <summary>The worker's own HTTP server, where HTTP requests are forwarded (its <c>HttpUri</c> capability).</summary>
    public Uri HttpUri { get; }

    public IReadOnlyList<WorkerFunction> Functions { get; }

    public int ProcessId => _process.Id;

    /// <summary>Completes when the worker process has exited.</summary>
    public Task Exited => _process.Exited;

    public static async Task<AppWorker> StartAsync(string appDirectory, IReadOnlyDictionary<string, string?> environment, ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("Worker");
        var workerId = Guid.NewGuid().ToString();
        var channel = new WorkerChannel(workerId, loggerFactory);
        var endpoint = await FunctionRpcEndpoint.StartAsync(channel, cancellationToken);
        var process = WorkerProcess.Start(appDirectory, endpoint.Address, workerId, environment, logger);
        var started = Stopwatch.StartNew();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            // A worker that dies while starting fails the start at once, not after the timeout.
            _ = process.Exited.ContinueWith(_ => channel.Close(ExitedWhileStarting(process)), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            await Task.WhenAny(channel.Connected, channel.Closed).WaitAsync(timeout.Token);
            if (!channel.Connected.IsCompleted)
            {
                await process.Exited.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
                throw ExitedWhileStarting(process);
            }

            var init = await channel.RequestAsync(new StreamingMessage
            {
                WorkerInitRequest = new WorkerInitRequest { HostVersion = HostVersion, FunctionAppDirectory = appDirectory, WorkerDirectory = appDirectory },
            }, timeout.Token);
            Ensure(init.WorkerInitResponse.Result, "initialise");
            var httpUri = init.WorkerInitResponse.Capabilities.TryGetValue("HttpUri", out var uri) ? new Uri(uri)
                : throw new WorkerUnavailableException("The worker has no HttpUri capability: is it built with the ASP.NET Core integration?");

            var metadata = await channel.RequestAsync(new StreamingMessage
            {
                FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory },
            }, timeout.Token);
            Ensure(metadata.FunctionMetadataResponse.Result, "list its functions");
            var functions = metadata.FunctionMetadataResponse.FunctionMetadataResults.Select(WorkerFunction.From).ToList();
            foreach (var function in functions)
            {
                var loaded = await channel.RequestAsync(new StreamingMessage
                {
                    FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.Id, Metadata = function.Metadata },
                }, timeout.Token);
                Ensure(loaded.FunctionLoadResponse.Result, $"load {function.Name}");
            }
            await WaitUntilListeningAsync(httpUri, process, timeout.Token);
            LogLoaded(logger, functions.Count, started.ElapsedMilliseconds);
            return new AppWorker(endpoint, process, channel, httpUri, functions, logger);
        }
        catch
        {
            await process.DisposeAsync();
            await endpoint.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one invocation and waits for its result.</summary>
    internal async Task<InvocationResponse> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken)
    {
        var answer = await _channel.RequestAsync(new StreamingMessage { InvocationRequest = invocation }, cancellationToken);
        return answer.InvocationResponse;
    }

    /// <summary>Collects what the worker logs within an invocation, for a caller that reports it.</summary>
    internal InvocationLogs CollectLogs(string invocationId) => _channel.CollectLogs(invocationId);

    /// <summary>Asks the worker to stop, as the host does on shutdown, and ends it if it has not after a grace period.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TerminationGrace) } });
        await Task.WhenAny(_process.Exited, Task.Delay(TerminationGrace));
        if (!_process.Exited.IsCompleted) LogKilled(_logger, _process.Id);
        await _process.DisposeAsync();
        await _endpoint.DisposeAsync();
    }

    /// <summary>
    /// The worker names its HTTP address when it initialises, before its server listens there: requests forwarded in
    /// between would be refused. Served only once a connection to it succeeds.
    /// </summary>
    private static async Task WaitUntilListeningAsync(Uri httpUri, WorkerProcess process, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var probe = new System.Net.Sockets.TcpClient();
            try
            {
                await probe.ConnectAsync(httpUri.Host, httpUri.Port, cancellationToken);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (!process.Exited.IsCompleted)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
    }

    private static WorkerUnavailableException ExitedWhileStarting(WorkerProcess process) =>
        new($"The worker exited with code {process.ExitCode} while starting. Its last output:\n{process.LastOutput}");

    private static void Ensure(StatusResult result, string step)
    {
        if (result.Status != StatusResult.Types.Status.Success)
            throw new WorkerUnavailableException($"The worker could not {step}: {result.Exception?.Message ?? result.Result}");
    }

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Worker loaded {Count} functions in {ElapsedMs} ms")]
    private static partial void LogLoaded(ILogger logger, int count, long elapsedMs);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Worker process {Pid} did not stop when asked; ending it")]
    private static partial void LogKilled(ILogger logger, int pid);
}
