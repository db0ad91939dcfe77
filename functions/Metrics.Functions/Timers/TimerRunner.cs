using System.Diagnostics;

namespace Metrics.Functions.Timers;

public sealed record TimerRun(DateTimeOffset FinishedAt, TimeSpan Duration, bool Succeeded);

/// <summary>Runs a timer function and logs its summary as one structured line, whoever triggered it.</summary>
public sealed partial class TimerRunner(ILogger<TimerRunner> logger, TimeProvider time)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TimerRun> _lastRuns = new();

    public async Task<TimerResult> RunAsync(ITimerFunction function, TimerInvocation invocation, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var succeeded = false;
        try
        {
            var result = await function.RunAsync(invocation, cancellationToken).ConfigureAwait(false);
            LogRun(logger, function.Name, invocation.IsPastDue, watch.ElapsedMilliseconds, result.Summary);
            succeeded = true;
            return result;
        }
        finally
        {
            _lastRuns[function.Name] = new TimerRun(time.GetUtcNow(), watch.Elapsed, succeeded);
        }
    }

    /// <summary>The last run of each timer function this instance ran, for the self-metrics.</summary>
    public IEnumerable<KeyValuePair<string, TimerRun>> LastRuns() => _lastRuns.OrderBy(r => r.Key, StringComparer.Ordinal);

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "{Function} ran (past due: {IsPastDue}) in {ElapsedMs} ms: {@Summary}")]
    private static partial void LogRun(ILogger logger, string function, bool isPastDue, long elapsedMs, object summary);
}
