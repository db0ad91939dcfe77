using Metrics.Storage.Rollups;

namespace Metrics.Functions.Timers;

/// <summary>
/// <c>RollupCompaction</c> (every minute): recompute the rollups of every dirty hour from its raw rows, so
/// queries read rollups and only the last minute or so of raw data.
/// </summary>
public sealed class RollupCompactionFunction(RollupCompactor compactor) : ITimerFunction
{
    public string Name => "RollupCompaction";

    public async Task<TimerResult> RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        var summary = await compactor.CompactDirtyHoursAsync(cancellationToken).ConfigureAwait(false);
        return new TimerResult(summary, [$"compacted {summary.HoursCompacted} hours and {summary.DaysCompacted} days from {summary.RawRowsRead} raw rows; " +
            $"wrote {summary.RowsWritten} rollup rows, deleted {summary.RowsDeleted}; {summary.HoursStillDirty} hours got new events meanwhile"]);
    }
}
