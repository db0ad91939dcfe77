namespace Metrics.Rollups.Ingest;

/// <summary>The write that stored an event's first copy, as its raw row says: the batch's id and when it was received.</summary>
public readonly record struct FirstWrite(string BatchId, DateTimeOffset ReceivedAt);
