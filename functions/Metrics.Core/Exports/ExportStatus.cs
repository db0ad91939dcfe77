namespace Metrics.Core.Exports;

/// <summary>Where an export job is: queued → running → succeeded or failed.</summary>
public static class ExportStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}
