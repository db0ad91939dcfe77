using static Metrics.Core.Tests.Ingestion.Events;

namespace Metrics.Core.Tests.Ingestion;

/// <summary>An event's timestamp against the acceptance window, and how it is read.</summary>
public sealed class RequestEventTimestampTests
{
    [Fact]
    public void Timestamp_older_than_raw_retention_is_rejected()
    {
        var old = Now.AddDays(-RawRetentionDays).AddMilliseconds(-1);

        var reason = RejectRequest(Request().With("timestamp", old.ToString("O")));

        Assert.StartsWith("timestamp is older than the raw retention window", reason, StringComparison.Ordinal);
        Assert.Contains(Window.Earliest.ToString("O"), reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Timestamp_more_than_5_minutes_in_the_future_is_rejected()
    {
        var ahead = Now.AddMinutes(5).AddMilliseconds(1);

        var reason = RejectRequest(Request().With("timestamp", ahead.ToString("O")));

        Assert.StartsWith("timestamp is more than 5 minutes in the future", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Timestamps_exactly_at_the_window_edges_are_accepted()
    {
        Assert.Equal(Window.Earliest, ReadRequest(Request().With("timestamp", Window.Earliest.ToString("O"))).Timestamp);
        Assert.Equal(Window.Latest, ReadRequest(Request().With("timestamp", Window.Latest.ToString("O"))).Timestamp);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-11-22T25:00:00Z")]
    public void Timestamp_that_is_not_a_date_is_rejected(string timestamp) =>
        Assert.Equal("timestamp is not an ISO-8601 date and time", RejectRequest(Request().With("timestamp", timestamp)));

    [Fact]
    public void Timestamp_with_an_offset_is_stored_as_the_same_instant_in_utc()
    {
        var e = ReadRequest(Request().With("timestamp", "2026-11-22T12:10:00.5+02:00"));

        Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 10, 0, 500, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(new DateTime(2026, 11, 22, 10, 10, 0, 500, DateTimeKind.Utc), e.Timestamp.UtcDateTime);
    }

    [Fact]
    public void Timestamp_without_an_offset_is_read_as_utc()
    {
        var e = ReadRequest(Request().With("timestamp", "2026-11-22T10:10:00"));

        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 10, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset);
    }
}
