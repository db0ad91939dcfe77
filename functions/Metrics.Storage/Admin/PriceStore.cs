using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Metrics.Core.Pricing;

namespace Metrics.Storage.Admin;

/// <summary>
/// The price history, one row per model and day a price comes into force, in partition <c>price</c>: keyed by the model
/// for a price since always (as every price was before prices had dates), by <c>{model}|{yyyy-MM-dd}</c> otherwise. The
/// price is kept as invariant text, not a double, so 0.002 comes back as exactly 0.002.
/// </summary>
public sealed class PriceStore
{
    public const string Partition = "price";
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    /// <summary>A transaction's limit: a PUT of at most this many prices lands whole or not at all.</summary>
    public const int MaxPricesPerChange = 100;

    private readonly StorageAccount _account;
    private readonly CachedRead<PriceList> _prices;

    public PriceStore(StorageAccount account, TimeProvider time)
    {
        _account = account;
        _prices = new CachedRead<PriceList>(time, CacheLifetime, ReadAsync);
    }

    /// <summary>The price history, at most <see cref="CacheLifetime"/> old (current after a change on this instance).</summary>
    public Task<PriceList> GetAsync(CancellationToken cancellationToken = default) => _prices.GetAsync(cancellationToken);

    /// <summary>
    /// Sets each price from its day, replacing only a price of the same model from the same day: the rest of the history
    /// stays, so a change from a date re-prices nothing before it. Each model must pass <see cref="TableKey.Problem"/>.
    /// </summary>
    public async Task SetAsync(IReadOnlyCollection<ModelPrice> prices, CancellationToken cancellationToken = default)
    {
        if (prices.Count is 0 or > MaxPricesPerChange) throw new ArgumentOutOfRangeException(nameof(prices), prices.Count, $"1 to {MaxPricesPerChange} prices at once");
        var upserts = prices.Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Row(p))).ToList();
        try
        {
            await _account.WithTableAsync(AdminTables.Prices, table => table.SubmitTransactionAsync(upserts, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _prices.Invalidate();
        }
    }

    /// <summary>Removes the model's price from <paramref name="effectiveFrom"/> (null: its price since always).</summary>
    /// <returns>Whether there was one.</returns>
    public async Task<bool> RemoveAsync(string model, DateOnly? effectiveFrom, CancellationToken cancellationToken = default)
    {
        var removed = false;
        try
        {
            await _account.WithTableAsync(AdminTables.Prices, async table =>
            {
                var response = await table.DeleteEntityAsync(Partition, RowKey(model, effectiveFrom), ETag.All, cancellationToken).ConfigureAwait(false);
                removed = response.Status != 404;
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _prices.Invalidate();
        }
        return removed;
    }

    private static string RowKey(string model, DateOnly? effectiveFrom) =>
        effectiveFrom is { } day ? $"{model}|{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" : model;

    private static TableEntity Row(ModelPrice price)
    {
        var row = new TableEntity(Partition, RowKey(price.Model, price.EffectiveFrom))
        {
            ["Model"] = price.Model,
            ["UnitPrice"] = price.UnitPrice.ToString(CultureInfo.InvariantCulture),
        };
        if (price.EffectiveFrom is { } day) row["EffectiveFrom"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return row;
    }

    private async Task<PriceList> ReadAsync(CancellationToken cancellationToken)
    {
        var rows = await WholePartition.ReadAsync(_account, AdminTables.Prices, Partition, cancellationToken).ConfigureAwait(false);
        return new PriceList(rows.Select(row => new ModelPrice(
            row.GetString("Model") ?? row.RowKey,
            decimal.Parse(row.GetString("UnitPrice"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture),
            row.GetString("EffectiveFrom") is { } day ? DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null)));
    }
}
