namespace Metrics.Core.Ingestion;

/// <summary>The names event kinds go by outside the code: in table keys, metric labels and answers.</summary>
public static class EventKinds
{
    public static readonly IReadOnlyList<EventKind> All = [EventKind.Requests, EventKind.Usage];

    public static string Name(this EventKind kind) => kind switch
    {
        EventKind.Requests => "requests",
        EventKind.Usage => "usage",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown event kind"),
    };
}
