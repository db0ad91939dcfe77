using Metrics.Core.Rollups;
using Metrics.Core.Queries;

namespace Metrics.Core.Retention;

/// <summary>
/// What the nightly run decides; storage carries it out. From the clock: the hours it finalises (raw rows past raw
/// retention become rollups only) and the rollups it prunes. From the estimated storage size against the budget: whether
/// to warn or alert, and (when the early roll-up is on) whether to finalise everything older than
/// <see cref="RetentionOptions.EarlyRollUpAge"/>.
/// </summary>
public sealed record NightlyPlan(DateTimeOffset RawCutoff, DateTimeOffset RollupCutoff, DateTimeOffset EarlyRollUpCutoff)
{
    public const double WarningShare = 0.8;

    /// <summary>Cutoffs are whole hours: an hour is finalised or pruned as a whole.</summary>
    public static NightlyPlan At(DateTimeOffset now, RetentionOptions retention) => new(
        RollupCalendar.HourOf(now.AddDays(-retention.RawDays)),
        RollupCalendar.HourOf(now.AddDays(-retention.RollupDays)),
        RollupCalendar.HourOf(now - RetentionOptions.EarlyRollUpAge));

    /// <summary>
    /// The first day whose data retention keeps: rows of days before it are deleted, rows of the day <paramref name="cutoff"/>
    /// falls in stay until the next night (the "day in progress" of expiry), so an hour, day or week row is never older than
    /// the retention plus one day.
    /// </summary>
    public static DateTimeOffset FirstKeptDay(DateTimeOffset cutoff) => RollupCalendar.DayOf(cutoff);

    public static RowBudgetState Judge(long rows, long budget) => Judge((double)rows, budget);

    public static RowBudgetState Judge(double used, double budget) =>
        used >= budget ? RowBudgetState.Over : used >= budget * WarningShare ? RowBudgetState.Near : RowBudgetState.Within;

    /// <summary>The worse of two judgements.</summary>
    public static RowBudgetState Worse(RowBudgetState a, RowBudgetState b) => a > b ? a : b;
}
