using System.Collections.Concurrent;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Metrics.LocalHost.Worker;

/// <summary>What the worker logged within one invocation; collection stops when disposed.</summary>
internal sealed class InvocationLogs(ConcurrentQueue<RpcLog> logs, Action stop) : IDisposable
{
    public IReadOnlyList<string> Messages => logs.Select(log => log.Message).ToList();

    public void Dispose() => stop();
}
