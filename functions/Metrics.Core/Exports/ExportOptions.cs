using System.ComponentModel.DataAnnotations;

namespace Metrics.Core.Exports;

/// <summary>Exports (configuration section <c>Exports</c>).</summary>
public sealed class ExportOptions
{
    public static readonly TimeSpan DefaultLinkLifetime = TimeSpan.FromHours(1);
    public const int DefaultConcurrency = 2;
    public const int DefaultKeepDays = 30;
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a download link works. At most 7 days: the longest a user-delegation SAS (managed identity) may live.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan LinkLifetime { get; set; } = DefaultLinkLifetime;

    /// <summary>Exports produced at once by one instance; each holds a storage scan and an upload open.</summary>
    [Range(1, 16)]
    public int Concurrency { get; set; } = DefaultConcurrency;

    /// <summary>
    /// How long an instance owns a running export without renewing its lease (it renews every third of this). An export
    /// whose owner stopped renewing (the instance died) is resumed by one other instance once its lease has run out.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Lease { get; set; } = DefaultLease;

    /// <summary>How long export jobs and their CSVs are kept; the nightly run prunes older ones.</summary>
    [Range(1, 3650)]
    public int KeepDays { get; set; } = DefaultKeepDays;
}
