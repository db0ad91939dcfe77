namespace Metrics.Rollups.Ingest;

/// <summary>When a source last sent an event, and when it was received.</summary>
public sealed record Freshness(DateTimeOffset LastEventAt, DateTimeOffset ReceivedAt);
