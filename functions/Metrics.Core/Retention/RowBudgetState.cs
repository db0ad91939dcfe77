namespace Metrics.Core.Retention;

/// <summary>How the stored rows compare with the row budget the nightly run checks.</summary>
public enum RowBudgetState
{
    Within,
    /// <summary>At <see cref="NightlyPlan.WarningShare"/> of the budget or more: warn before it is reached.</summary>
    Near,
    /// <summary>At the budget or past it: relieve storage now by rolling up early.</summary>
    Over,
}
