using System.ComponentModel.DataAnnotations;

namespace Metrics.Storage.Retention;

/// <summary>Storage size alerts (configuration section <c>Alerts</c>).</summary>
public sealed class AlertOptions
{
    public const long DefaultRowBudget = 1_000_000;
    public const double WarningShare = 0.8;

    /// <summary>Rows (raw + rollups) at which the nightly run raises an alert; a warning at 80%.</summary>
    [Range(1, long.MaxValue)]
    public long RowBudget { get; set; } = DefaultRowBudget;
}
