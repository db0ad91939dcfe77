using System.Globalization;
using Azure.Data.Tables;
using Metrics.Core.Pricing;

namespace Metrics.Storage.Admin;

/// <summary>
/// Unit prices per model, one row each in partition <c>price</c> keyed by the model. The price is kept
/// as invariant text, not a double, so 0.002 comes back as exactly 0.002.
/// </summary>
public sealed class PriceStore
{
    public const string Partition = "price";
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    private readonly StorageAccount _account;
    private readonly CachedRead<PriceList> _prices;

    public PriceStore(StorageAccount account, TimeProvider time)
    {
        _account = account;
        _prices = new CachedRead<PriceList>(time, CacheLifetime, ReadAsync);
    }

    /// <summary>The price list, at most <see cref="CacheLifetime"/> old (current after a replace on this instance).</summary>
    public Task<PriceList> GetAsync(CancellationToken cancellationToken = default) => _prices.GetAsync(cancellationToken);

    /// <summary>Makes <paramref name="prices"/> the whole price list. Each model must pass <see cref="TableKey.Problem"/>.</summary>
    public async Task ReplaceAsync(PriceList prices, CancellationToken cancellationToken = default)
    {
        var rows = prices.Prices.Select(p => new TableEntity(Partition, p.Model) { ["UnitPrice"] = p.UnitPrice.ToString(CultureInfo.InvariantCulture) }).ToList();
        try
        {
            await WholePartition.ReplaceAsync(_account, AdminTables.Prices, Partition, rows, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Also after a failure: part of the new list may already be stored.
            _prices.Invalidate();
        }
    }

    private async Task<PriceList> ReadAsync(CancellationToken cancellationToken)
    {
        var rows = await WholePartition.ReadAsync(_account, AdminTables.Prices, Partition, cancellationToken).ConfigureAwait(false);
        return new PriceList(rows.Select(row => new ModelPrice(row.RowKey,
            decimal.Parse(row.GetString("UnitPrice"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture))));
    }
}
