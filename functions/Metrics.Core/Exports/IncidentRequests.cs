using Metrics.Core.Rollups;
using Metrics.Core.Ingestion;

namespace Metrics.Core.Exports;

/// <summary>Which raw requests an incident export holds: one service's, in an exact window, read hour by hour.</summary>
public static class IncidentRequests
{
    /// <summary>The raw hour buckets that can hold requests of the window.</summary>
    public static IEnumerable<DateTimeOffset> Hours(ExportQuery query)
    {
        for (var hour = RollupCalendar.HourOf(query.From); hour < query.To; hour = hour.AddHours(1)) yield return hour;
    }

    public static bool Includes(ExportQuery query, RequestEvent e) =>
        e.Service == query.Service && e.Timestamp >= query.From && e.Timestamp < query.To;
}
