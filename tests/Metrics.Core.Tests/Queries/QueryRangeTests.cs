using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Queries;
using Metrics.Core.Retention;

namespace Metrics.Core.Tests.Queries;

public sealed class QueryRangeTests
{
    /// <summary>Mid-hour, so presets visibly end at the next whole hour.</summary>
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 15, 42, TimeSpan.Zero);
    private static readonly DateTimeOffset NextHour = new(2026, 11, 22, 11, 0, 0, TimeSpan.Zero);
    private static readonly RetentionOptions Retention = new();

    [Theory]
    [InlineData("24h", 24)]
    [InlineData("7d", 7 * 24)]
    [InlineData("30d", 30 * 24)]
    [InlineData("90d", 90 * 24)]
    [InlineData("7D", 7 * 24)]
    public void Preset_covers_its_span_of_whole_hours_ending_with_the_current_hour(string preset, int hours)
    {
        var window = Valid(preset, null, null);

        Assert.Equal(new QueryWindow(NextHour.AddHours(-hours), NextHour), window);
        Assert.Equal(hours, window.Hours().Count());
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("", null, null)]
    [InlineData("", "", "")]
    public void Without_range_or_dates_the_last_24_hours_are_queried(string? range, string? from, string? to) =>
        Assert.Equal(new QueryWindow(NextHour.AddHours(-24), NextHour), Valid(range, from, to));

    [Fact]
    public void Preset_asked_on_a_whole_hour_ends_at_that_hour()
    {
        var onTheHour = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

        var (window, error) = QueryRange.Parse("24h", null, null, onTheHour, Retention);

        Assert.Null(error);
        Assert.Equal(new QueryWindow(onTheHour.AddHours(-24), onTheHour), window);
    }

    [Fact]
    public void Preset_longer_than_rollup_retention_starts_at_the_retention_window()
    {
        var (window, error) = QueryRange.Parse("90d", null, null, Now, new RetentionOptions { RollupDays = 30 });

        Assert.Null(error);
        Assert.Equal(new QueryWindow(new DateTimeOffset(2026, 10, 23, 10, 0, 0, TimeSpan.Zero), NextHour), window);
    }

    [Theory]
    [InlineData("2026-11-20T07:12:05Z", "2026-11-21T19:48:30.5Z", "2026-11-20T07:00:00Z", "2026-11-21T20:00:00Z")]
    [InlineData("2026-11-20T07:00:00Z", "2026-11-21T19:00:00Z", "2026-11-20T07:00:00Z", "2026-11-21T19:00:00Z")]
    [InlineData("2026-11-20T07:59:59.999Z", "2026-11-20T08:00:00.001Z", "2026-11-20T07:00:00Z", "2026-11-20T09:00:00Z")]
    [InlineData("2026-11-20T09:30:00+02:00", "2026-11-20T10:30:00-01:00", "2026-11-20T07:00:00Z", "2026-11-20T12:00:00Z")]
    [InlineData("2026-11-20", "2026-11-21", "2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z")]
    [InlineData("2026-11-20T07:12:05", "2026-11-20T08:12:05", "2026-11-20T07:00:00Z", "2026-11-20T09:00:00Z")]
    public void Custom_range_is_widened_to_whole_hours_in_utc(string from, string to, string expectedFrom, string expectedTo)
    {
        var window = Valid(null, from, to);

        Assert.Equal(DateTimeOffset.Parse(expectedFrom, System.Globalization.CultureInfo.InvariantCulture), window.From);
        Assert.Equal(DateTimeOffset.Parse(expectedTo, System.Globalization.CultureInfo.InvariantCulture), window.To);
        Assert.Equal(TimeSpan.Zero, window.From.Offset);
        Assert.Equal(TimeSpan.Zero, window.To.Offset);
    }

    [Fact]
    public void Custom_range_without_to_runs_until_now() =>
        Assert.Equal(new QueryWindow(new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero), NextHour), Valid(null, "2026-11-21T06:30:00Z", null));

    [Fact]
    public void Custom_range_of_exactly_90_days_ending_now_is_accepted() =>
        Assert.Equal(new QueryWindow(new DateTimeOffset(2026, 8, 24, 10, 0, 0, TimeSpan.Zero), NextHour),
            Valid(null, Iso(Now.AddDays(-90)), Iso(Now)));

    [Fact]
    public void To_a_few_seconds_ahead_of_the_clock_is_tolerated_as_clock_skew() =>
        Assert.Equal(new QueryWindow(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero), NextHour), Valid(null, "2026-11-22T09:00:00Z", Iso(Now.AddSeconds(30))));

    [Theory]
    [InlineData("24h", "2026-11-21T00:00:00Z", null, "Give either 'range' or 'from'/'to', not both.")]
    [InlineData("7d", null, "2026-11-21T00:00:00Z", "Give either 'range' or 'from'/'to', not both.")]
    [InlineData("1y", null, null, "'range' must be one of 24h, 7d, 30d, 90d; got '1y'. For other spans use 'from' and 'to'.")]
    [InlineData("24", null, null, "'range' must be one of 24h, 7d, 30d, 90d; got '24'.")]
    [InlineData(null, null, "2026-11-21T00:00:00Z", "'from' is required when 'to' is given.")]
    [InlineData(null, "yesterday", null, "'from' is not an ISO-8601 date and time: 'yesterday'.")]
    [InlineData(null, "1763683200", null, "'from' is not an ISO-8601 date and time: '1763683200'.")]
    [InlineData(null, "21/11/2026", null, "'from' is not an ISO-8601 date and time: '21/11/2026'.")]
    [InlineData(null, "2026-11-21T00:00:00Z", "soon", "'to' is not an ISO-8601 date and time: 'soon'.")]
    [InlineData(null, "2026-11-21T05:00:00Z", "2026-11-21T05:00:00Z", "'from' (2026-11-21T05:00:00.0000000+00:00) must be before 'to' (2026-11-21T05:00:00.0000000+00:00).")]
    [InlineData(null, "2026-11-21T06:00:00Z", "2026-11-21T05:00:00Z", "must be before 'to'")]
    [InlineData(null, "2026-11-22T09:00:00Z", "2026-11-22T10:17:00Z", "'to' (2026-11-22T10:17:00.0000000+00:00) is in the future; the latest possible is now (2026-11-22T10:15:42.0000000+00:00).")]
    [InlineData(null, "2026-11-23T00:00:00Z", null, "must be before 'to'")]
    [InlineData(null, "2026-08-01T00:00:00Z", "2026-11-22T00:00:00Z", "The range spans 113 days; at most 90 days can be queried at once.")]
    [InlineData(null, "2026-08-01T00:00:00Z", "2026-08-02T00:00:00Z",
        "'from' (2026-08-01T00:00:00.0000000+00:00) is before the retention window: data is kept 90 days, so the earliest is 2026-08-24T10:00:00.0000000+00:00.")]
    public void Each_invalid_range_is_refused_with_a_message_a_person_can_act_on(string? range, string? from, string? to, string message)
    {
        var (window, error) = QueryRange.Parse(range, from, to, Now, Retention);

        Assert.Null(window);
        Assert.NotNull(error);
        Assert.Contains(message, error);
    }

    [Fact]
    public void Retention_window_follows_the_configured_rollup_days()
    {
        var (window, error) = QueryRange.Parse(null, "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z", Now, new RetentionOptions { RollupDays = 30 });

        Assert.Null(window);
        Assert.Contains("data is kept 30 days, so the earliest is 2026-10-23T10:00:00", error);
    }

    [Fact]
    public void Span_just_over_90_days_is_reported_as_more_than_90_days()
    {
        var (_, error) = QueryRange.Parse(null, "2026-08-24T10:00:00Z", Iso(Now), Now, Retention);

        Assert.NotNull(error);
        Assert.DoesNotContain("spans 90 days", error);
    }

    [Fact]
    public void Any_valid_custom_range_becomes_the_smallest_whole_hours_around_it() =>
        Prop.ForAll(Gen.Choose(0, 90 * 24 * 3600).Two().ToArbitrary(), seconds =>
        {
            var from = Now.AddSeconds(-Math.Max(seconds.Item1, seconds.Item2) - 1);
            var to = Now.AddSeconds(-Math.Min(seconds.Item1, seconds.Item2));
            var (window, error) = QueryRange.Parse(null, Iso(from), Iso(to), Now, Retention);
            var earliest = new DateTimeOffset(2026, 8, 24, 10, 0, 0, TimeSpan.Zero);
            if (to - from > QueryRange.MaxSpan || from < earliest) return window is null && error is not null;
            return error is null
                && window!.From <= from && from - window.From < TimeSpan.FromHours(1)
                && window.To >= to && window.To - to < TimeSpan.FromHours(1)
                && window.From.Ticks % TimeSpan.TicksPerHour == 0 && window.To.Ticks % TimeSpan.TicksPerHour == 0
                && window.Hours().All(window.Contains) && !window.Contains(window.To);
        }).QuickCheckThrowOnFailure();

    private static QueryWindow Valid(string? range, string? from, string? to)
    {
        var (window, error) = QueryRange.Parse(range, from, to, Now, Retention);
        Assert.Null(error);
        return Assert.IsType<QueryWindow>(window);
    }

    private static string Iso(DateTimeOffset at) => at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
