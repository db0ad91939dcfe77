namespace Metrics.Core.Ingestion;

/// <summary>The two raw sources: request metrics from services, usage beacons from browsers.</summary>
public static class EventKinds
{
    public const string Requests = "requests";
    public const string Usage = "usage";
}
