using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

/// <summary>The overview's breakdown, as <c>breakdown</c> answers it.</summary>
public sealed record OverviewBreakdown(string By, IReadOnlyList<BreakdownRow> Rows, BreakdownRow Totals);
