using System.Globalization;
using Metrics.Functions.Operations.Telemetry;
using Metrics.Rollups.Compaction;
using Metrics.Rollups.Retention;

namespace Metrics.Functions.Timers;

/// <summary>
/// The timer functions (docs/api.md, "Timers"). The host runs each on its schedule, on one instance at a time; a run's
/// summary is its return value, and what it did is logged in one line (alerts as warnings and errors). Each calls the
/// rollup engine's one entry point for its flow.
/// </summary>
public sealed partial class TimerFunctions(RollupCompaction compaction, NightlyRun nightly, OperationalState state, ILogger<TimerFunctions> logger)
{
    /// <summary>
    /// Every 10 seconds: pack ingestion's partial rollups of the last seconds into one row per hour and family, merged
    /// into the hours' settled rows every few minutes (and recompute from raw rows the rare hours that need it), so a
    /// query reads settled rows, a few packs and seconds of partials. Most runs' work follows the events since the last
    /// one, so running often costs little.
    /// </summary>
    [Function("RollupCompaction")]
    public async Task<CompactionSummary> RollupCompactionAsync([TimerTrigger("*/10 * * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var summary = await compaction.RunAsync(cancellationToken);
        if (summary.AlreadyRunning)
        {
            LogCompactionAlreadyRunning(logger);
            return summary;
        }
        LogCompacted(logger, summary.HoursCompacted, summary.PartialsFolded, summary.HoursMerged, summary.DaysCompacted, summary.RawRowsRead, summary.RollupRowsRead,
            summary.RowsWritten, summary.RowsDeleted, summary.HoursStillDirty);
        return summary;
    }

    /// <summary>
    /// 02:00 UTC: finalise and prune (see <see cref="NightlyRun"/>), then say how big storage is and what it costs: a warning
    /// at 80% of the storage budget, an error starting with <c>ALERT:</c> at 100%. A failed run is tried again after 1, then
    /// up to 15 minutes (each run is safe to repeat: it takes a lease and skips what is done), so a storage blip at
    /// 02:00 does not cost a night; the failure is logged in one line each time (TimerFailure).
    /// </summary>
    [Function("NightlyAggregation")]
    [ExponentialBackoffRetry(3, "00:01:00", "00:15:00")]
    public async Task<NightlySummary> NightlyAggregationAsync([TimerTrigger("0 0 2 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var summary = await nightly.RunAsync(cancellationToken);
        state.RecordNightly(summary);
        if (summary.Status == NightlySummary.AlreadyRunning) LogAlreadyRunning(logger);
        else
        {
            var growth = summary.GrowthSinceLastRun?.ToString("+#;-#;0", CultureInfo.InvariantCulture) ?? "first run";
            LogNightly(logger, summary.HoursFinalized, summary.RawRowsDeleted, summary.RawTablesDeleted, summary.RollupRowsDeleted, summary.AuditRowsDeleted,
                summary.TotalRows, growth, summary.StoredGb, summary.MonthlyCost);
        }
        var (gb, budget, cost) = (Gb(summary.StoredGb), Gb(summary.StorageBudgetGb), Dollars(summary.MonthlyCost));
        if (summary.Alert == NightlySummary.OverBudget)
            LogOverBudget(logger, gb, summary.TotalRows, cost, budget, summary.RolledUpEarly ? RolledUpEarly : NotRolledUp);
        else if (summary.Alert == NightlySummary.Warning) LogNearBudget(logger, gb, summary.TotalRows, cost, budget);
        return summary;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "compacted {Hours} hours ({Partials} partials packed, {Merged} family hours merged) and " +
        "{Days} days, read {RawRows} raw rows and {RollupRows} rollup rows; wrote {Written} rollup rows, deleted {Deleted}; {StillDirty} hours got new events meanwhile")]
    private static partial void LogCompacted(ILogger logger, int hours, long partials, int merged, int days, long rawRows, long rollupRows, int written,
        int deleted, int stillDirty);

    private const string RolledUpEarly = "rolled up raw data older than one day early (Alerts:EarlyRollUp)";
    private const string NotRolledUp = "to bring it down, shorten Retention:RollupDays or Retention:RawDays, or turn on Alerts:EarlyRollUp; " +
        "or raise Alerts:StorageBudgetGb if the cost is expected (docs/runbook.md, \"Storage budget\")";

    private static string Gb(double gb) => gb.ToString("0.###", CultureInfo.InvariantCulture);
    private static string Dollars(double dollars) => dollars.ToString("0.00", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "finalised {Hours} hours, deleted {RawRows} raw rows ({RawTables} day tables), " +
        "{RollupRows} rollup rows and {AuditRows} audit rows; about {TotalRows} rows remain ({Growth}), {StoredGb} GB costing ${MonthlyCost} a month")]
    private static partial void LogNightly(ILogger logger, int hours, long rawRows, int rawTables, long rollupRows, long auditRows, long totalRows, string growth,
        double storedGb, double monthlyCost);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "another RollupCompaction run holds the lock; this one changed nothing")]
    private static partial void LogCompactionAlreadyRunning(ILogger logger);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "another NightlyAggregation run holds the lock; this one changed nothing")]
    private static partial void LogAlreadyRunning(ILogger logger);

    // The contract names the prefixes (docs/api.md, "Timers"): alert rules and people search the logs for them.
#pragma warning disable SYSLIB1012
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "WARNING: storage is about {Gb} GB ({Rows} rows), ${Cost} a month, over 80% of " +
        "the budget of {Budget} GB")]
    private static partial void LogNearBudget(ILogger logger, string gb, long rows, string cost, string budget);
#pragma warning restore SYSLIB1012

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "ALERT: storage is about {Gb} GB ({Rows} rows), ${Cost} a month, at or over the budget " +
        "of {Budget} GB; {Action}")]
    private static partial void LogOverBudget(ILogger logger, string gb, long rows, string cost, string budget, string action);
}
