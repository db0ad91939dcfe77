namespace Metrics.Core.Queries;

/// <summary>What every query response carries besides its own data: the hours it covers, its sources, their freshness.</summary>
public sealed record QueryContext(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness)
{
    /// <summary>With a <c>prices</c> source, for answers that show spend: <c>partial</c> when some units had no price in force.</summary>
    public QueryContext WithPrices(IReadOnlyDictionary<string, long> unpriced)
    {
        var (complete, detail) = Pricing.UnpricedUnits.Describe(unpriced);
        return this with { Sources = [.. Sources, new SourceStatus("prices", complete ? "complete" : "partial", detail)] };
    }
}
