using Metrics.Core.Retention;

namespace Metrics.Core.Tests.Retention;

public sealed class NightlyPlanTests
{
    [Fact]
    public void Cutoffs_are_the_whole_hours_past_raw_retention_rollup_retention_and_the_early_roll_up_age()
    {
        var plan = NightlyPlan.At(new DateTimeOffset(2026, 12, 1, 2, 30, 15, TimeSpan.Zero), new RetentionOptions { RawDays = 7, RollupDays = 90 });

        Assert.Equal(new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero), plan.RawCutoff);
        Assert.Equal(new DateTimeOffset(2026, 9, 2, 2, 0, 0, TimeSpan.Zero), plan.RollupCutoff);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero), plan.EarlyRollUpCutoff);
    }

    [Theory]
    [InlineData(0, RowBudgetState.Within)]
    [InlineData(799_999, RowBudgetState.Within)]
    [InlineData(800_000, RowBudgetState.Near)]
    [InlineData(999_999, RowBudgetState.Near)]
    [InlineData(1_000_000, RowBudgetState.Over)]
    [InlineData(5_000_000, RowBudgetState.Over)]
    public void Rows_are_judged_against_the_budget_with_a_warning_from_80_percent(long rows, RowBudgetState expected) =>
        Assert.Equal(expected, NightlyPlan.Judge(rows, 1_000_000));

    /// <summary>Rolling up early never keeps raw rows longer than retention would: its cutoff is never earlier.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(30)]
    public void Early_roll_up_reaches_at_least_as_far_as_raw_retention(int rawDays)
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var minutes = 0; minutes < 60 * 24 * 3; minutes += 37)
        {
            var plan = NightlyPlan.At(start.AddMinutes(minutes), new RetentionOptions { RawDays = rawDays });
            Assert.True(plan.EarlyRollUpCutoff >= plan.RawCutoff, $"{start.AddMinutes(minutes):O}");
            Assert.True(plan.RawCutoff >= plan.RollupCutoff);
        }
    }
}
