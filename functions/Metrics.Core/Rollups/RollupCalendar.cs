namespace Metrics.Core.Rollups;

/// <summary>The buckets of rollups: UTC hours, UTC days, and weeks from Monday 00:00 UTC.</summary>
public static class RollupCalendar
{
    /// <summary>The start of the UTC hour <paramref name="at"/> falls in.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset at) =>
        new(at.UtcDateTime.Year, at.UtcDateTime.Month, at.UtcDateTime.Day, at.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset DayOf(DateTimeOffset at) => new(at.UtcDateTime.Date, TimeSpan.Zero);

    /// <summary>The Monday 00:00 UTC that starts the week of <paramref name="at"/>.</summary>
    public static DateTimeOffset WeekOf(DateTimeOffset at)
    {
        var day = DayOf(at);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }
}
