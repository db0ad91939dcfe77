using System.Text.Json.Serialization;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;

namespace Metrics.Core.Pricing;

/// <summary>
/// The price history of every model, for <c>spend</c> = units × the price in force when they were used. A price
/// change from a date re-prices only what was used from that date. A model without a price in force (or units without
/// a model) costs nothing rather than failing the query, since prices are often set after traffic starts; answers say
/// so (<see cref="UnpricedUnits"/>).
/// </summary>
/// <remarks>Prices change at whole UTC days, so an hour or day rollup is priced by its start. A week rollup is too,
/// unless a price changes inside it: <see cref="CoarsestGrain"/> tells a query to read such a range by days.</remarks>
public sealed class PriceList
{
    /// <summary>Caps keep units × price inside decimal's 28 digits, so spend is exact for any realistic unit count.</summary>
    public const decimal MaxUnitPrice = 1_000_000m;
    public const int MaxDecimalPlaces = 12;

    private readonly Dictionary<string, ModelPrice[]> _byModel;

    public PriceList(IEnumerable<ModelPrice> prices)
    {
        Prices = prices.OrderBy(p => p.Model, StringComparer.Ordinal).ThenBy(p => p.Start).ToList();
        foreach (var price in Prices)
            if (Problem(price.UnitPrice) is { } problem) throw new ArgumentOutOfRangeException(nameof(prices), price.UnitPrice, $"'{price.Model}': {problem}");
        _byModel = Prices.GroupBy(p => p.Model, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        foreach (var (model, history) in _byModel)
            if (history.Select(p => p.Start).Distinct().Count() < history.Length)
                throw new ArgumentException($"'{model}' is priced twice from the same day.", nameof(prices));
    }

    public static PriceList Empty { get; } = new([]);

    /// <summary>Every price of every model, ordered by model, then by when it comes into force.</summary>
    public IReadOnlyList<ModelPrice> Prices { get; }

    /// <summary>The model's price in force at <paramref name="at"/>, or null when it has none then.</summary>
    public ModelPrice? PriceAt(string? model, DateTimeOffset at)
    {
        if (model is null || !_byModel.TryGetValue(model, out var history)) return null;
        ModelPrice? inForce = null;
        foreach (var price in history)
            if (price.Start <= at) inForce = price;
            else break;
        return inForce;
    }

    public decimal Spend(string? model, long units, DateTimeOffset at) => units * (PriceAt(model, at)?.UnitPrice ?? 0m);

    /// <summary>
    /// The coarsest rollups spend over <paramref name="window"/> can be priced from: weeks, unless a price comes into
    /// force inside one of them (a week rollup would mix two prices); then days, which prices never split.
    /// </summary>
    public Grain CoarsestGrain(QueryWindow window) =>
        Prices.Any(p => p.EffectiveFrom is not null && p.Start > window.From && p.Start < window.To && RollupCalendar.WeekOf(p.Start) != p.Start)
            ? Grain.Day
            : Grain.Week;

    /// <summary>Why a unit price cannot be used, or null when it can.</summary>
    public static string? Problem(decimal unitPrice) =>
        unitPrice < 0 ? "a price cannot be negative"
        : unitPrice > MaxUnitPrice ? $"a unit price may be at most {MaxUnitPrice}"
        : decimal.Round(unitPrice, MaxDecimalPlaces) != unitPrice ? $"a unit price may have at most {MaxDecimalPlaces} decimal places"
        : null;
}
