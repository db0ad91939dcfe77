namespace Metrics.Core.Ingestion;

/// <summary>
/// The timestamps ingestion accepts: no older than raw retention (an older event would be deleted by
/// the next nightly run before any rollup saw it), not in an hour the nightly run has already finalised
/// (its rollups are final and would never count it), and no further in the future than clock skew explains.
/// </summary>
public readonly record struct AcceptanceWindow(DateTimeOffset Earliest, DateTimeOffset Latest, DateTimeOffset? FinalisedBefore = null)
{
    public static AcceptanceWindow At(DateTimeOffset now, int rawRetentionDays) =>
        new(now.AddDays(-rawRetentionDays), now + IngestLimits.MaxFutureSkew);

    /// <summary>This window, also refusing every hour before <paramref name="finalisedBefore"/> (see <see cref="LateEvents"/>).</summary>
    public AcceptanceWindow ExceptFinalisedBefore(DateTimeOffset finalisedBefore) =>
        finalisedBefore > Earliest ? this with { FinalisedBefore = finalisedBefore } : this;

    /// <summary>Why the window refuses <paramref name="timestamp"/>, or null when it accepts it.</summary>
    public (RejectionCode Code, string Reason)? Check(DateTimeOffset timestamp) =>
        timestamp < Earliest ? (RejectionCode.TooOld, $"timestamp is older than the raw retention window (earliest accepted {Earliest:O})")
        : timestamp < FinalisedBefore ? (RejectionCode.FinalisedHour, $"timestamp falls in an hour whose rollups are already final (the nightly run finalised every hour before " +
            $"{FinalisedBefore:O}, rolling raw data up early when storage is over its row budget), so it could no longer be counted; " +
            $"earliest accepted {FinalisedBefore:O}")
        : timestamp > Latest ? (RejectionCode.InFuture, $"timestamp is more than {IngestLimits.MaxFutureSkew.TotalMinutes:0} minutes in the future (latest accepted {Latest:O})")
        : null;
}
