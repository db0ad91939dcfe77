using Metrics.Core.Rollups;

namespace Metrics.Core.Tests.Rollups;

public sealed class FoldScheduleTests
{
    private static readonly DateTimeOffset Hour = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(20, 19, false)] // packs started 1 minute ago
    [InlineData(20, 15, true)] // 5 minutes ago
    [InlineData(59, 58, false)]
    [InlineData(60, 59, true)] // the hour is over: its day waits for the merge
    [InlineData(75, 74, true)]
    public void Packs_merge_once_they_have_gathered_for_the_interval_or_the_hour_is_over(int cutoffMinute, int packedSinceMinute, bool merge) =>
        Assert.Equal(merge, FoldSchedule.MergeDue(Hour, Hour.AddMinutes(cutoffMinute), Hour.AddMinutes(packedSinceMinute), FiveMinutes));

    [Fact]
    public void An_hour_without_packs_has_nothing_to_merge() =>
        Assert.False(FoldSchedule.MergeDue(Hour, Hour.AddHours(2), null, FiveMinutes));

    [Fact]
    public void A_pack_too_full_to_take_more_is_merged_at_once() =>
        Assert.True(FoldSchedule.MergeDue(Hour, Hour.AddMinutes(20), Hour.AddMinutes(19), FiveMinutes, packFull: true));

    [Fact]
    public void A_zero_interval_merges_at_every_run() =>
        Assert.True(FoldSchedule.MergeDue(Hour, Hour.AddMinutes(20), Hour.AddMinutes(20), TimeSpan.Zero));
}
