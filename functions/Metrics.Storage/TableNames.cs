namespace Metrics.Storage;

/// <summary>The product's tables (docs/architecture.md, "Rollups") (before the configured prefix).</summary>
public static class TableNames
{
    public const string RequestEvents = "RequestEvents";
    public const string UsageEvents = "UsageEvents";
    public const string DirtyHours = "DirtyHours";
    public const string VisitorSalts = "VisitorSalts";
    public const string Endpoints = "Endpoints";

    public static string RawEvents(string kind) => kind switch
    {
        Core.Ingestion.EventKinds.Requests => RequestEvents,
        Core.Ingestion.EventKinds.Usage => UsageEvents,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown event kind"),
    };
}
