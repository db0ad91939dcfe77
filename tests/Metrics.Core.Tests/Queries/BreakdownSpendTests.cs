using Metrics.Core.Ingestion;
using Metrics.Core.Pricing;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;

namespace Metrics.Core.Tests.Queries;

/// <summary>The user family keeps no model in its keys: a user's row must still price each model's units at that model's price.</summary>
public sealed class BreakdownSpendTests
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly PriceList Prices = new([new ModelPrice("gpt-large", 0.002m), new ModelPrice("gpt-small", 0.0001m)]);

    private static RequestEvent Event(int i, string user, string? model, long units) => new($"e-{i}", "orders-api", Hour.AddMinutes(i),
        "/api/orders", "GET", 200, 10, user, "acme", "ES", Invocation.Sync, model, units, 0, 0);

    private static readonly RequestEvent[] Events =
        [Event(1, "u-1", "gpt-large", 1000), Event(2, "u-1", "gpt-small", 5000), Event(3, "u-1", null, 70), Event(4, "u-2", "gpt-small", 10)];

    private static BreakdownReport Breakdown(string by) => BreakdownReport.Build(by,
        HourRollup.Of(Events).Select(c => new RollupSlice<RequestCell>(Hour, c.Key, c.Value)), QueryFilter.None, Prices, new HashSet<string> { "u-2" });

    [Fact]
    public void A_users_row_prices_the_units_of_each_model_it_used_at_that_models_price()
    {
        var byUser = Breakdown("user");

        Assert.Equal([("u-1", 3L, 6070L, 2.5m), ("u-2", 1L, 10L, 0.001m)], byUser.Rows.Select(r => (r.Key, r.Requests, r.Units, r.Spend)));
        Assert.Equal(2.501m, byUser.Totals.Spend);
    }

    [Fact]
    public void Every_breakdown_spends_the_same_total_and_the_model_breakdown_prices_each_model()
    {
        foreach (var by in BreakdownReport.Dimensions)
            Assert.True(Breakdown(by).Totals.Spend == 2.501m, by);
        Assert.Equal([("(none)", 70L, 0m), ("gpt-large", 1000L, 2m), ("gpt-small", 5010L, 0.501m)],
            Breakdown("model").Rows.Select(r => (r.Key, r.Units, r.Spend)).OrderBy(r => r.Key, StringComparer.Ordinal));
    }
}
