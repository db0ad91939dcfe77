using System.ComponentModel.DataAnnotations;

namespace Metrics.Core.Exports;

/// <summary>Exports (configuration section <c>Exports</c>).</summary>
public sealed class ExportOptions
{
    public static readonly TimeSpan DefaultLinkLifetime = TimeSpan.FromHours(1);
    public const int DefaultConcurrency = 2;
    public const int DefaultKeepDays = 30;

    /// <summary>
    /// How long a download link works. At most 7 days: the longest a user-delegation SAS (managed identity) may live.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan LinkLifetime { get; set; } = DefaultLinkLifetime;

    /// <summary>Exports produced at once by one instance; each holds a storage scan and an upload open.</summary>
    [Range(1, 16)]
    public int Concurrency { get; set; } = DefaultConcurrency;

    /// <summary>How long export jobs and their CSVs are kept; the nightly run prunes older ones.</summary>
    [Range(1, 3650)]
    public int KeepDays { get; set; } = DefaultKeepDays;
}
