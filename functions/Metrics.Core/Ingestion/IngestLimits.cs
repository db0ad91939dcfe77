namespace Metrics.Core.Ingestion;

/// <summary>The limits of one ingestion batch and of each event in it (docs/api.md, "Ingestion").</summary>
public static class IngestLimits
{
    public const int MaxBatchSize = 1000;
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    public const int MaxIdLength = 128;
    public const int MaxEndpointLength = 512;
    public const int MaxTextLength = 256;
    public const int MaxPageLength = 1024;
    public const int MaxProperties = 20;
    public const int MaxPropertyNameLength = 64;

    /// <summary>An hour: longer is a clock or unit bug (seconds sent as ms), not a real request.</summary>
    public const double MaxDurationMs = 3_600_000;

    /// <summary>Clock skew tolerated for events stamped in the future.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);
}
