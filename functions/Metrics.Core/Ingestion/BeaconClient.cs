namespace Metrics.Core.Ingestion;

/// <summary>What ingestion knows about the browser that sent a beacon batch, without storing its IP.</summary>
/// <param name="AnonymousVisitorId">The daily-salted hash used when an event has no user id.</param>
/// <param name="Country">From the configured trusted header, if any.</param>
public sealed record BeaconClient(string AnonymousVisitorId, string? Country);
