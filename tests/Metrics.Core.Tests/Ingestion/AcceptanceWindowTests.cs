using Metrics.Core.Ingestion;

namespace Metrics.Core.Tests.Ingestion;

public sealed class AcceptanceWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 15, 0, TimeSpan.Zero);
    private static readonly AcceptanceWindow Window = AcceptanceWindow.At(Now, 7);

    [Fact]
    public void Window_reaches_back_the_raw_retention_and_forward_five_minutes()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 15, 10, 15, 0, TimeSpan.Zero), Window.Earliest);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 20, 0, TimeSpan.Zero), Window.Latest);
    }

    [Fact]
    public void Timestamp_exactly_at_the_earliest_accepted_is_accepted() => Assert.Null(Window.Check(Window.Earliest));

    [Fact]
    public void Timestamp_exactly_at_the_latest_accepted_is_accepted() => Assert.Null(Window.Check(Window.Latest));

    [Fact]
    public void Timestamp_now_is_accepted() => Assert.Null(Window.Check(Now));

    [Fact]
    public void Timestamp_one_tick_before_the_earliest_is_rejected_with_the_earliest_accepted() =>
        Assert.Equal((RejectionCode.TooOld, "timestamp is older than the raw retention window (earliest accepted 2026-11-15T10:15:00.0000000+00:00)"),
            Window.Check(Window.Earliest.AddTicks(-1))!.Value);

    [Fact]
    public void Timestamp_one_tick_after_the_latest_is_rejected_with_the_latest_accepted() =>
        Assert.Equal((RejectionCode.InFuture, "timestamp is more than 5 minutes in the future (latest accepted 2026-11-22T10:20:00.0000000+00:00)"),
            Window.Check(Window.Latest.AddTicks(1))!.Value);

    [Fact]
    public void Edges_hold_for_the_same_instants_written_at_another_offset()
    {
        var plusTwo = TimeSpan.FromHours(2);

        Assert.Null(Window.Check(Window.Earliest.ToOffset(plusTwo)));
        Assert.Null(Window.Check(Window.Latest.ToOffset(plusTwo)));
        Assert.NotNull(Window.Check(Window.Earliest.AddTicks(-1).ToOffset(plusTwo)));
        Assert.NotNull(Window.Check(Window.Latest.AddTicks(1).ToOffset(plusTwo)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(30)]
    public void Earliest_follows_the_configured_raw_retention(int days) =>
        Assert.Equal(Now.AddDays(-days), AcceptanceWindow.At(Now, days).Earliest);

    [Fact]
    public void Hours_before_the_finalisation_boundary_are_refused_with_why_and_the_earliest_accepted()
    {
        var boundary = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        var window = Window.ExceptFinalisedBefore(boundary);

        Assert.Null(window.Check(boundary));
        Assert.Equal((RejectionCode.FinalisedHour, "timestamp falls in an hour whose rollups are already final (the nightly run finalised every hour before " +
            "2026-11-21T10:00:00.0000000+00:00, rolling raw data up early when storage is over its row budget), so it could no longer be " +
            "counted; earliest accepted 2026-11-21T10:00:00.0000000+00:00"), window.Check(boundary.AddTicks(-1))!.Value);
        var older = window.Check(Window.Earliest.AddTicks(-1))!.Value;
        Assert.Equal(RejectionCode.TooOld, older.Code);
        Assert.StartsWith("timestamp is older than the raw retention window", older.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_boundary_inside_raw_retention_changes_nothing() =>
        Assert.Equal(Window, Window.ExceptFinalisedBefore(Window.Earliest.AddHours(-1)));

    [Fact]
    public void Only_events_older_than_half_a_day_are_late()
    {
        Assert.False(LateEvents.AnyIn([Now, Now.AddHours(-12)], Now));
        Assert.True(LateEvents.AnyIn([Now, Now.AddHours(-12).AddTicks(-1)], Now));
    }
}
