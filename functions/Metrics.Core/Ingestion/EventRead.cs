namespace Metrics.Core.Ingestion;

/// <summary>An event read from a batch: either the event, or why it was rejected.</summary>
public readonly record struct EventRead<T>(T? Event, string? Reason) where T : class
{
    public static EventRead<T> Accepted(T value) => new(value, null);
    public static EventRead<T> Rejected(string reason) => new(null, reason);
}
