namespace Metrics.Functions.Tests.Queries;

/// <summary>Whole hours [From, To): what a query covers.</summary>
internal sealed record Window(DateTimeOffset From, DateTimeOffset To)
{
    public bool Contains(SentRequest e) => e.Timestamp >= From && e.Timestamp < To;
    public bool Contains(SentUsage e) => e.Timestamp >= From && e.Timestamp < To;

    public override string ToString() => $"[{From:yyyy-MM-dd HH:mm}, {To:yyyy-MM-dd HH:mm})";
}
