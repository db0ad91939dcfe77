namespace Metrics.Core.Rollups;

/// <summary>
/// How long a rollup row's time bucket is. As a read's grain: the coarsest bucket the answer may be built from
/// (Week for answers over the whole range, Day for daily series, Hour for hourly ones).
/// </summary>
public enum Grain { Hour, Day, Week }

/// <summary>The buckets of day and week rollups: UTC days, and weeks from Monday 00:00 UTC.</summary>
public static class RollupCalendar
{
    public static DateTimeOffset DayOf(DateTimeOffset at) => new(at.UtcDateTime.Date, TimeSpan.Zero);

    /// <summary>The Monday 00:00 UTC that starts the week of <paramref name="at"/>.</summary>
    public static DateTimeOffset WeekOf(DateTimeOffset at)
    {
        var day = DayOf(at);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }
}
