using Metrics.Core.Rollups;
using Metrics.Core.Queries;

namespace Metrics.Core.Retention;

/// <summary>
/// What the nightly run decides; storage carries it out. From the clock: the hours it finalises (raw rows past raw
/// retention become rollups only) and the rollups it prunes. From the rows it counts against the budget: whether to
/// warn, and whether to roll up early, finalising everything older than <see cref="RetentionOptions.EarlyRollUpAge"/>.
/// </summary>
public sealed record NightlyPlan(DateTimeOffset RawCutoff, DateTimeOffset RollupCutoff, DateTimeOffset EarlyRollUpCutoff)
{
    public const double WarningShare = 0.8;

    /// <summary>Cutoffs are whole hours: an hour is finalised or pruned as a whole.</summary>
    public static NightlyPlan At(DateTimeOffset now, RetentionOptions retention) => new(
        RollupCalendar.HourOf(now.AddDays(-retention.RawDays)),
        RollupCalendar.HourOf(now.AddDays(-retention.RollupDays)),
        RollupCalendar.HourOf(now - RetentionOptions.EarlyRollUpAge));

    public static RowBudgetState Judge(long rows, long budget) =>
        rows >= budget ? RowBudgetState.Over : rows >= budget * WarningShare ? RowBudgetState.Near : RowBudgetState.Within;
}
