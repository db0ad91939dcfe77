using System.Globalization;

namespace Metrics.Core.Queries;

/// <summary>
/// The hours a query covers: whole hours from <see cref="From"/> (inclusive) to <see cref="To"/>
/// (exclusive). Rollups are hourly, so a query answers for whole hours and says which ones.
/// </summary>
public sealed record QueryWindow(DateTimeOffset From, DateTimeOffset To)
{
    public IEnumerable<DateTimeOffset> Hours()
    {
        for (var hour = From; hour < To; hour = hour.AddHours(1)) yield return hour;
    }

    public IEnumerable<DateTimeOffset> Buckets(Interval interval)
    {
        var step = interval == Interval.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var start = interval == Interval.Hour ? From : new DateTimeOffset(From.UtcDateTime.Date, TimeSpan.Zero);
        for (var at = start; at < To; at += step) yield return at;
    }

    public bool Contains(DateTimeOffset at) => at >= From && at < To;

    public static DateTimeOffset CeilingHour(DateTimeOffset at)
    {
        var floor = Rollups.RollupCalendar.HourOf(at);
        return floor == at ? floor : floor.AddHours(1);
    }

    public override string ToString() =>
        $"{From.ToString("O", CultureInfo.InvariantCulture)}/{To.ToString("O", CultureInfo.InvariantCulture)}";
}
