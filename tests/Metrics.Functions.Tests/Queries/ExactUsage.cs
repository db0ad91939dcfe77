namespace Metrics.Functions.Tests.Queries;

/// <summary>The numbers of a set of usage events: events, distinct visitors (users and anonymous browsers), distinct users.</summary>
internal sealed class ExactUsage(IEnumerable<SentUsage> events)
{
    private readonly List<SentUsage> _events = events.ToList();

    public long Events => _events.Count;
    public long Visitors => _events.Select(e => e.Visitor).Distinct(StringComparer.Ordinal).Count();
    public long Users => _events.Where(e => e.UserId is not null).Select(e => e.UserId).Distinct(StringComparer.Ordinal).Count();
}
