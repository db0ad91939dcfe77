using Metrics.Core.Rollups;

namespace Metrics.Core.Tests.Rollups;

public sealed class RollupCalendarTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 15, 30, 250, TimeSpan.Zero);

    [Fact]
    public void Hour_of_truncates_to_the_start_of_the_utc_hour()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero), RollupCalendar.HourOf(At));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero),
            RollupCalendar.HourOf(new DateTimeOffset(2026, 11, 22, 10, 59, 59, 999, TimeSpan.Zero).AddTicks(9_999)));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 23, 0, 0, TimeSpan.Zero),
            RollupCalendar.HourOf(new DateTimeOffset(2026, 11, 22, 1, 30, 0, TimeSpan.FromHours(2))));
        Assert.Equal(TimeSpan.Zero, RollupCalendar.HourOf(new DateTimeOffset(2026, 11, 22, 1, 30, 0, TimeSpan.FromHours(2))).Offset);
    }

    [Fact]
    public void Hour_already_on_the_hour_is_unchanged()
    {
        var hour = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(hour, RollupCalendar.HourOf(hour));
    }
}
