using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Rollups.Queries;

namespace Metrics.Functions.Queries;

/// <summary>A breakdown as read: the report, the read it came from (for its source), and whether the window held request data.</summary>
/// <param name="RosterSet">Whether a roster is set, for <see cref="BreakdownReport.Caveat"/>.</param>
public sealed record BreakdownAnswer(BreakdownReport Report, RollupRead<RequestCell> Read, bool HasData, bool RosterSet)
{
    /// <summary>What a person should know of the rows (<see cref="BreakdownReport.Caveat"/>).</summary>
    public string? Caveat => Report.Caveat(RosterSet);
}
