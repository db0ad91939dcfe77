namespace Metrics.Functions.Operations.Telemetry;

/// <summary>
/// A failed timer run, in one line a person can act on: which function, what failed, whether the platform will try
/// again, and where to look next (docs/runbook.md). The NightlyRunFailed alert rule matches the <c>TIMER FAILED:</c> prefix.
/// </summary>
internal static partial class TimerFailure
{
    public const int EventId = 4100;

    public static void Log(ILogger logger, string function, Exception exception, RetryContext? retry, TimeSpan elapsed)
    {
        var attempt = (retry?.RetryCount ?? 0) + 1;
        var next = retry is { MaxRetryCount: > 0 } r && r.RetryCount < r.MaxRetryCount
            ? $"the platform retries it (attempt {attempt} of {r.MaxRetryCount + 1})"
            : "it is not retried; the next scheduled run starts over (each run is safe to repeat)";
        var cause = exception is AggregateException { InnerException: { } inner } ? inner : exception;
        LogFailed(logger, function, elapsed.TotalSeconds, cause.GetType().Name, OneLine(cause.Message), next, exception);
    }

    private static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    [LoggerMessage(EventId = EventId, Level = LogLevel.Error,
        Message = "TIMER FAILED: {Function} failed after {Seconds:0.0} s with {Error}: {Reason}; {Next}. See docs/runbook.md (NightlyRunFailed).")]
    private static partial void LogFailed(ILogger logger, string function, double seconds, string error, string reason, string next, Exception exception);
}
