namespace Metrics.Core.Ingestion;

/// <summary>The two raw sources: request metrics from services, usage beacons from browsers.</summary>
public enum EventKind { Requests, Usage }
