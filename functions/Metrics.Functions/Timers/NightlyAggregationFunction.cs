using Metrics.Storage.Retention;

namespace Metrics.Functions.Timers;

/// <summary>
/// <c>NightlyAggregation</c> (02:00 UTC): finalise and prune (see <see cref="NightlyAggregation"/>), then say
/// how big storage is: a warning at 80% of the row budget, an error starting with <c>ALERT:</c> at 100%.
/// </summary>
public sealed partial class NightlyAggregationFunction(NightlyAggregation nightly, ILogger<NightlyAggregationFunction> logger) : ITimerFunction
{
    public string Name => "NightlyAggregation";

    public async Task<TimerResult> RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        var summary = await nightly.RunAsync(cancellationToken).ConfigureAwait(false);
        var logs = new List<string>();
        if (summary.Status == NightlySummary.AlreadyRunning)
            logs.Add("another NightlyAggregation run holds the lock; this one changed nothing");
        else
            logs.Add($"finalised {summary.HoursFinalized} hours, deleted {summary.RawRowsDeleted} raw rows, {summary.RollupRowsDeleted} rollup rows " +
                $"and {summary.AuditRowsDeleted} audit rows; {summary.TotalRows} rows remain ({summary.GrowthSinceLastRun?.ToString("+#;-#;0", System.Globalization.CultureInfo.InvariantCulture) ?? "first run"})");

        if (summary.Alert == NightlySummary.OverBudget)
        {
            LogOverBudget(logger, summary.TotalRows, summary.RowBudget);
            logs.Add($"ALERT: {summary.TotalRows} rows reached the budget of {summary.RowBudget}; rolled up raw data older than one day early");
        }
        else if (summary.Alert == NightlySummary.Warning)
        {
            LogNearBudget(logger, summary.TotalRows, summary.RowBudget);
            logs.Add($"WARNING: {summary.TotalRows} rows are over 80% of the budget of {summary.RowBudget}");
        }
        return new TimerResult(summary, logs);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Storage holds {Rows} rows, over 80% of the row budget of {Budget}")]
    private static partial void LogNearBudget(ILogger logger, long rows, long budget);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "ALERT: storage holds {Rows} rows, at or over the row budget of {Budget}; raw data older than one day was rolled up early")]
    private static partial void LogOverBudget(ILogger logger, long rows, long budget);
}
