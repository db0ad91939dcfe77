using Metrics.Core.Ingestion;
using Metrics.Core.Sketches;

namespace Metrics.Core.Rollups;

/// <summary>The aggregate of some usage events: counts, distinct visitors and distinct signed-in users.</summary>
public sealed class UsageCell
{
    public long Events { get; set; }
    public DateTimeOffset LastEventAt { get; set; }
    /// <summary>Signed-in users and anonymous (daily-hashed) visitors.</summary>
    public DistinctCountSketch Visitors { get; set; } = new();
    /// <summary>Signed-in users only.</summary>
    public DistinctCountSketch Users { get; set; } = new();

    public void Add(UsageEvent e)
    {
        Events++;
        Visitors.Add(e.VisitorId);
        if (e.UserId is not null) Users.Add(e.UserId);
        if (e.Timestamp > LastEventAt) LastEventAt = e.Timestamp;
    }

    public void Merge(UsageCell other)
    {
        Events += other.Events;
        if (other.LastEventAt > LastEventAt) LastEventAt = other.LastEventAt;
        Visitors.Merge(other.Visitors);
        Users.Merge(other.Users);
    }
}
