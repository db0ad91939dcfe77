using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Metrics.LocalHost.Worker;

/// <summary>
/// The worker sends its logs to the host over the stream (it has no console logger of its own); the host writes them
/// to its own log under the worker's category, as <c>func start</c> shows them.
/// </summary>
internal static class WorkerLog
{
    public static void Write(ILogger logger, RpcLog log)
    {
        var level = log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        };
        if (!logger.IsEnabled(level)) return;
        var exception = log.Exception is { } e ? $"\n{e.Type}: {e.Message}\n{e.StackTrace}" : "";
        logger.Log(level, "{Message}{Exception}", log.Message, exception);
    }
}
