using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;

namespace Metrics.Core.Tests.Ingestion;

public sealed class HourBucketTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 15, 30, 250, TimeSpan.Zero);

    [Fact]
    public void Hour_key_is_the_utc_hour_as_yyyyMMddHH()
    {
        Assert.Equal("2026112210", HourBucket.Key(At));
        Assert.Equal("2026112123", HourBucket.Key(new DateTimeOffset(2026, 11, 22, 1, 30, 0, TimeSpan.FromHours(2))));
        Assert.Equal("2026010100", HourBucket.Key(new DateTimeOffset(2025, 12, 31, 19, 0, 0, TimeSpan.FromHours(-5))));
    }

    [Fact]
    public void Partition_key_is_the_hour_a_dash_and_a_two_digit_shard()
    {
        var key = HourBucket.PartitionKey(At, "0f8c-42", 16);

        Assert.Matches("^2026112210-[0-9]{2}$", key);
    }

    [Fact]
    public void Partition_key_of_a_row_is_pinned_so_a_hash_change_is_caught()
    {
        // Readers find a row again by recomputing its shard: a different hash would hide every stored row.
        Assert.Equal("2026112210-12", HourBucket.PartitionKey(At, "evt-1", 16));
        Assert.Equal("2026112210-01", HourBucket.PartitionKey(At, "0f8c-42", 8));
    }

    [Fact]
    public void Shard_is_within_range_and_stable_for_the_same_row_key() =>
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), Gen.Choose(1, 99).ToArbitrary(), (rowKey, shards) =>
        {
            var key = HourBucket.PartitionKey(At, rowKey.Get, shards);
            var shard = int.Parse(key.AsSpan(11), System.Globalization.CultureInfo.InvariantCulture);
            return key.Length == 13
                && key.StartsWith("2026112210-", StringComparison.Ordinal)
                && shard >= 0 && shard < shards
                && key == HourBucket.PartitionKey(At.AddMinutes(30), rowKey.Get, shards);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void One_shard_puts_every_row_of_an_hour_in_one_partition() =>
        Assert.All(Enumerable.Range(0, 50), i => Assert.Equal("2026112210-00", HourBucket.PartitionKey(At, $"evt-{i}", 1)));

    [Fact]
    public void Rows_spread_over_every_shard()
    {
        var used = Enumerable.Range(0, 1_000).Select(i => HourBucket.PartitionKey(At, $"evt-{i}", 8)).Distinct();

        Assert.Equal(Enumerable.Range(0, 8).Select(shard => $"2026112210-{shard:00}"), used.Order());
    }

    [Fact]
    public void A_rows_partition_is_its_hour_and_one_of_the_shards() =>
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), Gen.Choose(1, 64).ToArbitrary(), (rowKey, shards) =>
            Enumerable.Range(0, shards).Select(shard => $"2026112210-{shard:00}").Contains(HourBucket.PartitionKey(At, rowKey.Get, shards)))
        .QuickCheckThrowOnFailure();

    [Fact]
    public void Parse_reads_back_the_hour_of_a_hour_key_or_a_partition_key()
    {
        Assert.Equal(RollupCalendar.HourOf(At), HourBucket.Parse(HourBucket.Key(At)));
        Assert.Equal(RollupCalendar.HourOf(At), HourBucket.Parse(HourBucket.PartitionKey(At, "evt-1", 16)));
        Assert.Equal(TimeSpan.Zero, HourBucket.Parse("2026112210").Offset);
    }

    [Fact]
    public void Parse_round_trips_any_instant_to_its_hour() =>
        Prop.ForAll(Gen.Choose(0, 20 * 365 * 24 * 60).Two().ToArbitrary(), draw =>
        {
            var (minutes, offsetMinutes) = draw;
            var at = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minutes)
                .ToOffset(TimeSpan.FromMinutes((offsetMinutes % 1_681) - 840));
            var hour = RollupCalendar.HourOf(at);
            return HourBucket.Parse(HourBucket.Key(at)) == hour
                && HourBucket.Parse(HourBucket.PartitionKey(at, "evt", 4)) == hour
                && hour <= at && at - hour < TimeSpan.FromHours(1)
                && hour.Offset == TimeSpan.Zero;
        }).QuickCheckThrowOnFailure();
}
