using System.ComponentModel.DataAnnotations;

namespace Metrics.Core.Retention;

/// <summary>How long raw rows and rollups are kept (configuration section <c>Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const int DefaultRawDays = 7;
    public const int DefaultRollupDays = 90;

    /// <summary>Over its row budget, the nightly run finalises the hours older than this, not only those past raw retention.</summary>
    public static readonly TimeSpan EarlyRollUpAge = TimeSpan.FromDays(1);

    [Range(1, 30)]
    public int RawDays { get; set; } = DefaultRawDays;

    [Range(1, 3650)]
    public int RollupDays { get; set; } = DefaultRollupDays;
}
