namespace Metrics.Core.Ingestion;

/// <summary>An event read from a batch: either the event, or why it was rejected.</summary>
public readonly record struct EventRead<T>(T? Event, RejectionCode Code, string? Reason) where T : class
{
    public static EventRead<T> Accepted(T value) => new(value, default, null);
    public static EventRead<T> Rejected(RejectionCode code, string reason) => new(null, code, reason);

    public static EventRead<T> Rejected((RejectionCode Code, string Reason) why) => new(null, why.Code, why.Reason);
}
