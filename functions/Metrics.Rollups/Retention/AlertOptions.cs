using System.ComponentModel.DataAnnotations;

namespace Metrics.Rollups.Retention;

/// <summary>Storage size alerts (configuration section <c>Alerts</c>).</summary>
public sealed class AlertOptions
{
    public const long DefaultRowBudget = 1_000_000;

    /// <summary>Rows (raw + rollups) at which the nightly run raises an alert and rolls up early; a warning at 80% (<see cref="Core.Retention.NightlyPlan"/>).</summary>
    [Range(1, long.MaxValue)]
    public long RowBudget { get; set; } = DefaultRowBudget;
}
