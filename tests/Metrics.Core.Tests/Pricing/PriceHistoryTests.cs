using Metrics.Core.Exports;
using Metrics.Core.Ingestion;
using Metrics.Core.Pricing;
using Metrics.Core.Queries;
using Metrics.Core.Retention;
using Metrics.Core.Rollups;

namespace Metrics.Core.Tests.Pricing;

/// <summary>Prices with the day they come into force: what each slice of time costs, and what is left unpriced.</summary>
public sealed class PriceHistoryTests
{
    private static readonly DateOnly Change = new(2026, 2, 15); // a Sunday
    private static readonly DateTimeOffset ChangeAt = new(2026, 2, 15, 0, 0, 0, TimeSpan.Zero);

    private static readonly PriceList Prices = new(
    [
        new ModelPrice("gpt-small", 0.004m, Change),
        new ModelPrice("gpt-small", 0.002m),
        new ModelPrice("gpt-large", 0.03m, new DateOnly(2026, 3, 1)),
    ]);

    [Fact]
    public void A_price_is_in_force_from_00_00_UTC_of_its_day_until_the_models_next_price()
    {
        Assert.Equal(0.002m, Prices.PriceAt("gpt-small", ChangeAt.AddTicks(-1))?.UnitPrice);
        Assert.Equal(0.004m, Prices.PriceAt("gpt-small", ChangeAt)?.UnitPrice);
        Assert.Equal(0.004m, Prices.PriceAt("gpt-small", DateTimeOffset.MaxValue)?.UnitPrice);
        Assert.Null(Prices.PriceAt("gpt-large", ChangeAt));
        Assert.Null(Prices.PriceAt(null, ChangeAt));
        Assert.Equal(["gpt-large", "gpt-small", "gpt-small"], Prices.Prices.Select(p => p.Model));
        Assert.Equal([null, Change], Prices.Prices.Where(p => p.Model == "gpt-small").Select(p => p.EffectiveFrom));
    }

    [Fact]
    public void A_model_priced_twice_from_the_same_day_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new PriceList([new ModelPrice("m", 1m, Change), new ModelPrice("m", 2m, Change)]));
        Assert.Throws<ArgumentException>(() => new PriceList([new ModelPrice("m", 1m), new ModelPrice("m", 2m)]));
    }

    [Theory]
    [InlineData("2026-02-01", "2026-03-01", Grain.Day)]   // holds the week of 9 February, which the change splits
    [InlineData("2026-02-15", "2026-03-01", Grain.Week)]  // starts at the change
    [InlineData("2026-01-01", "2026-02-15", Grain.Week)]  // ends at it
    [InlineData("2026-03-02", "2026-03-30", Grain.Week)]  // 1 March is a Sunday too, but before the range
    public void A_range_with_a_change_inside_a_week_is_read_by_days(string from, string to, Grain expected)
    {
        var window = new QueryWindow(DateTimeOffset.Parse(from + "T00:00Z", null), DateTimeOffset.Parse(to + "T00:00Z", null));
        Assert.Equal(expected, Prices.CoarsestGrain(window));
    }

    [Fact]
    public void Slices_are_priced_by_their_start_and_unpriced_units_are_counted_by_model()
    {
        RequestEvent Event(int i, DateTimeOffset at, string? model, long units) =>
            new($"e-{i}", "orders-api", at, "/x", "GET", 200, 10, "u", "acme", "ES", Invocation.Sync, model, units, 0, 0);
        var before = ChangeAt.AddHours(-1);
        var slices = new[] { (before, Event(1, before, "gpt-small", 1000)), (ChangeAt, Event(2, ChangeAt, "gpt-small", 1000)),
                (ChangeAt, Event(3, ChangeAt, "gpt-large", 70)), (ChangeAt, Event(4, ChangeAt, null, 5)) }
            .SelectMany(x => HourRollup.Of([x.Item2]).Where(c => c.Key.Family == Families.Org).Select(c => new RollupSlice<RequestCell>(x.Item1, c.Key, c.Value)))
            .ToList();

        var report = BreakdownReport.Build("org", slices, QueryFilter.None, Prices, new HashSet<string>());
        var finance = FinanceSpend.Build(slices, Prices);

        Assert.Equal(6m, report.Totals.Spend);
        Assert.Equal(new SortedDictionary<string, long> { ["gpt-large"] = 70, [UnpricedUnits.NoModel] = 5 }, report.Unpriced);
        Assert.Equal([("(none)", null, 5L, 0m), ("gpt-large", null, 70L, 0m), ("gpt-small", 0.002m, 1000L, 2m), ("gpt-small", 0.004m, 1000L, 4m)],
            finance.Select(r => (r.Model, r.UnitPrice, r.Units, r.Spend)));
        Assert.Equal(report.Totals.Spend, finance.Sum(r => r.Spend));
        Assert.False(UnpricedUnits.Describe(report.Unpriced).Complete);
        Assert.Contains("70 units of gpt-large", UnpricedUnits.Describe(report.Unpriced).Detail, StringComparison.Ordinal);
        Assert.True(UnpricedUnits.Describe(UnpricedUnits.Of(slices.Take(2), Prices)).Complete);
    }

    [Theory]
    [InlineData("2026-11", null, "2026-11-01", "2026-12-01")]
    [InlineData("2026-10", null, "2026-10-01", "2026-11-01")]
    [InlineData("2026-12", "is not over yet", null, null)]
    [InlineData("2026-09", "begins before rollup retention", null, null)]
    [InlineData("2026-1", "must be a month written yyyy-MM", null, null)]
    [InlineData(null, "needs 'month'", null, null)]
    public void A_finance_month_export_covers_one_whole_closed_UTC_month(string? month, string? error, string? from, string? to)
    {
        var now = new DateTimeOffset(2026, 12, 6, 15, 0, 0, TimeSpan.Zero);
        var (query, problem) = ExportPlan.Of(new ExportRequest(ExportKinds.FinanceMonth, Month: month), now, new RetentionOptions());

        if (error is not null)
        {
            Assert.Null(query);
            Assert.Contains(error, problem, StringComparison.Ordinal);
            return;
        }
        Assert.Equal((DateTimeOffset.Parse(from! + "T00:00Z", null), DateTimeOffset.Parse(to! + "T00:00Z", null)), (query!.From, query.To));
        Assert.Equal("org", query.By);
    }
}
