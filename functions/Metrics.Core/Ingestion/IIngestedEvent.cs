namespace Metrics.Core.Ingestion;

/// <summary>What every accepted event has: its idempotency key and when it happened.</summary>
public interface IIngestedEvent
{
    string Id { get; }
    DateTimeOffset Timestamp { get; }
}
