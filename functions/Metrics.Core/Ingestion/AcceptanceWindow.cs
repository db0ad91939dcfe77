namespace Metrics.Core.Ingestion;

/// <summary>
/// The timestamps ingestion accepts: no older than raw retention (an older event would be deleted by
/// the next nightly run before any rollup saw it) and no further in the future than clock skew explains.
/// </summary>
public readonly record struct AcceptanceWindow(DateTimeOffset Earliest, DateTimeOffset Latest)
{
    public static AcceptanceWindow At(DateTimeOffset now, int rawRetentionDays) =>
        new(now.AddDays(-rawRetentionDays), now + IngestLimits.MaxFutureSkew);

    public string? Check(DateTimeOffset timestamp) =>
        timestamp < Earliest ? $"timestamp is older than the raw retention window (earliest accepted {Earliest:O})"
        : timestamp > Latest ? $"timestamp is more than {IngestLimits.MaxFutureSkew.TotalMinutes:0} minutes in the future (latest accepted {Latest:O})"
        : null;
}
