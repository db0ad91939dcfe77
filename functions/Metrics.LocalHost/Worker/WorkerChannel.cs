using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Metrics.LocalHost.Worker;

/// <summary>
/// The one bidirectional gRPC stream a worker opens to its host. Requests the host sends are answered on the same
/// stream with the request's id; logs arrive on it at any time. Writes go through one queue, since a gRPC stream
/// takes one write at a time.
/// </summary>
internal sealed partial class WorkerChannel(string workerId, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger<WorkerChannel>();
    private readonly ConcurrentDictionary<string, ILogger> _workerLoggers = new(StringComparer.Ordinal);
    private readonly Channel<StreamingMessage> _outgoing = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<RpcLog>> _invocationLogs = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the worker has opened its stream and said who it is.</summary>
    public Task Connected => _connected.Task;

    /// <summary>Completes when the worker's stream has ended.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Serves the worker's stream until it ends (the gRPC service's one method).</summary>
    public async Task ServeAsync(IAsyncStreamReader<StreamingMessage> fromWorker, IServerStreamWriter<StreamingMessage> toWorker, CancellationToken cancellationToken)
    {
        if (!await fromWorker.MoveNext(cancellationToken) || fromWorker.Current.StartStream is not { } start || start.WorkerId != workerId)
            throw new Grpc.Core.RpcException(new Status(StatusCode.InvalidArgument, $"expected StartStream from worker {workerId}"));
        _connected.TrySetResult();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = WriteAsync(toWorker, stop.Token);
        try
        {
            while (await fromWorker.MoveNext(cancellationToken)) Receive(fromWorker.Current);
        }
        catch (IOException) when (cancellationToken.IsCancellationRequested)
        {
            // The worker went away while the host was stopping.
        }
        finally
        {
            _outgoing.Writer.TryComplete();
            await stop.CancelAsync();
            await writing;
            Close(new WorkerUnavailableException("The worker's stream ended."));
        }
    }

    /// <summary>Sends a request and waits for the worker's answer to it.</summary>
    public async Task<StreamingMessage> RequestAsync(StreamingMessage request, CancellationToken cancellationToken)
    {
        request.RequestId = Guid.NewGuid().ToString();
        var answer = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[request.RequestId] = answer;
        try
        {
            if (Closed.IsCompleted || !_outgoing.Writer.TryWrite(request)) throw new WorkerUnavailableException("The worker is not connected.");
            return await answer.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _pending.TryRemove(request.RequestId, out _);
        }
    }

    /// <summary>Sends a message that has no answer (the worker's termination).</summary>
    public void Send(StreamingMessage message) => _outgoing.Writer.TryWrite(message);

    /// <summary>Collects what the worker logs within one invocation, until the returned scope ends.</summary>
    public InvocationLogs CollectLogs(string invocationId)
    {
        var logs = _invocationLogs.GetOrAdd(invocationId, _ => new ConcurrentQueue<RpcLog>());
        return new InvocationLogs(logs, () => _invocationLogs.TryRemove(invocationId, out _));
    }

    public void Close(Exception reason)
    {
        _closed.TrySetResult();
        foreach (var pending in _pending.Values) pending.TrySetException(reason);
    }

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> toWorker, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outgoing.Reader.ReadAllAsync(cancellationToken)) await toWorker.WriteAsync(message, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The stream ended: nothing more can be written to it.
        }
    }

    private void Receive(StreamingMessage message)
    {
        if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
        {
            var log = message.RpcLog;
            if (log.InvocationId is { Length: > 0 } id && _invocationLogs.TryGetValue(id, out var collected)) collected.Enqueue(log);
            // Under the worker's own category, so the host's log filters apply to the worker's logs alike.
            WorkerLog.Write(_workerLoggers.GetOrAdd(log.Category ?? "Worker", loggers.CreateLogger), log);
            return;
        }
        if (_pending.TryGetValue(message.RequestId, out var answer)) answer.TrySetResult(message);
        else LogUnexpected(_logger, message.ContentCase);
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "The worker sent {Content} that answers no pending request")]
    private static partial void LogUnexpected(ILogger logger, StreamingMessage.ContentOneofCase content);
}
