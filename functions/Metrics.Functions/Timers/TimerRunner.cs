using System.Diagnostics;

namespace Metrics.Functions.Timers;

/// <summary>Runs a timer function and logs its summary as one structured line, whoever triggered it.</summary>
public sealed partial class TimerRunner(ILogger<TimerRunner> logger)
{
    public async Task<TimerResult> RunAsync(ITimerFunction function, TimerInvocation invocation, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var result = await function.RunAsync(invocation, cancellationToken).ConfigureAwait(false);
        LogRun(logger, function.Name, invocation.IsPastDue, watch.ElapsedMilliseconds, result.Summary);
        return result;
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "{Function} ran (past due: {IsPastDue}) in {ElapsedMs} ms: {@Summary}")]
    private static partial void LogRun(ILogger logger, string function, bool isPastDue, long elapsedMs, object summary);
}
