using Metrics.Core.Retention;

namespace Metrics.Core.Ingestion;

/// <summary>
/// Events stamped so long ago that the nightly run may be finalising their hour while they are being stored: it
/// finalises the hours older than raw retention, or older than <see cref="RetentionOptions.EarlyRollUpAge"/> when
/// storage is over its row budget, and after that recomputes them never again. Only a batch holding such events
/// needs the finalised hours looked up, before its events are accepted and again once they are stored. A younger
/// event cannot reach a finalised hour, however slowly its write goes, so live traffic never pays for the lookup.
/// </summary>
public static class LateEvents
{
    public static readonly TimeSpan Age = RetentionOptions.EarlyRollUpAge / 2;

    public static bool AnyIn(IEnumerable<DateTimeOffset> timestamps, DateTimeOffset now) => timestamps.Any(t => t < now - Age);
}
