namespace Metrics.Functions.Tests.Queries;

/// <summary>A query's range parameters and the whole hours they must resolve to at <see cref="TrafficFixture.Now"/>.</summary>
internal sealed record RangeCase(string Query, Window Expected)
{
    public override string ToString() => Query.Length == 0 ? "(default range)" : Query;
}
