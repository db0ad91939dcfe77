using System.ComponentModel.DataAnnotations;

namespace Metrics.Rollups.Retention;

/// <summary>Storage size alerts (configuration section <c>Alerts</c>): a budget in what the storage account bills for.</summary>
public sealed class AlertOptions
{
    /// <summary>
    /// 250 GB (about $11 a month): a deployment of 100M request events a month stores about 22 GB of raw rows and 23 to
    /// 202 GB of rollups under the default retention, depending on how many rollup rows its traffic makes per event
    /// (docs/runbook.md, "Storage budget", has the arithmetic), so it stays inside.
    /// </summary>
    public const double DefaultStorageBudgetGb = 250;

    /// <summary>
    /// US dollars per GB-month of Azure Table storage, Standard LRS, pay-as-you-go list price (East US) as the project
    /// recorded it on 2026-12-07 (docs/runbook.md gives the source); set the price of your region and redundancy.
    /// </summary>
    public const double DefaultPricePerGbMonth = 0.045;

    /// <summary>Estimated stored GB (raw + rollups) at which the nightly run raises an alert; a warning at 80% (<see cref="Core.Retention.NightlyPlan"/>).</summary>
    [Range(0.000_001, 1_000_000)]
    public double StorageBudgetGb { get; set; } = DefaultStorageBudgetGb;

    /// <summary>What a GB-month costs, so the alert can say what the storage costs a month.</summary>
    [Range(0, 1000)]
    public double PricePerGbMonth { get; set; } = DefaultPricePerGbMonth;

    /// <summary>
    /// Over budget, also finalise every hour older than a day and delete its raw rows (late events for those hours are
    /// then refused). Off by default: storage past a budget costs money, not correctness, and refusing late events
    /// loses data; turn it on only where storage must not grow.
    /// </summary>
    public bool EarlyRollUp { get; set; }

    /// <summary>
    /// The budget before it was in GB (<c>Alerts:RowBudget</c>): when set, estimated rows are judged against it too.
    /// No default: a row count says nothing about cost.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long? RowBudget { get; set; }
}
