namespace Metrics.Core.Pricing;

/// <summary>What one unit of a model costs. Prices are decimals so that spend adds up to the cent.</summary>
public sealed record ModelPrice(string Model, decimal UnitPrice);

/// <summary>
/// The unit price of each model, for <c>spend</c> = units × price. A model without a price (or an event
/// without a model) costs nothing rather than failing the query: prices are often set after traffic starts.
/// </summary>
public sealed class PriceList
{
    /// <summary>Caps keep units × price inside decimal's 28 digits, so spend is exact for any realistic unit count.</summary>
    public const decimal MaxUnitPrice = 1_000_000m;
    public const int MaxDecimalPlaces = 12;

    private readonly Dictionary<string, decimal> _prices;

    public PriceList(IEnumerable<ModelPrice> prices)
    {
        _prices = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (model, unitPrice) in prices)
        {
            if (Problem(unitPrice) is { } problem) throw new ArgumentOutOfRangeException(nameof(prices), unitPrice, $"'{model}': {problem}");
            if (!_prices.TryAdd(model, unitPrice)) throw new ArgumentException($"'{model}' is priced twice.", nameof(prices));
        }
        Prices = _prices.Select(p => new ModelPrice(p.Key, p.Value)).OrderBy(p => p.Model, StringComparer.Ordinal).ToList();
    }

    public static PriceList Empty { get; } = new([]);

    /// <summary>Every priced model, ordered by name.</summary>
    public IReadOnlyList<ModelPrice> Prices { get; }

    public decimal PriceOf(string? model) => model is not null && _prices.TryGetValue(model, out var price) ? price : 0m;

    public decimal Spend(string? model, long units) => units * PriceOf(model);

    /// <summary>Why a unit price cannot be used, or null when it can.</summary>
    public static string? Problem(decimal unitPrice) =>
        unitPrice < 0 ? "a price cannot be negative"
        : unitPrice > MaxUnitPrice ? $"a unit price may be at most {MaxUnitPrice}"
        : decimal.Round(unitPrice, MaxDecimalPlaces) != unitPrice ? $"a unit price may have at most {MaxDecimalPlaces} decimal places"
        : null;
}
