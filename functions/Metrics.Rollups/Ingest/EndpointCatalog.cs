using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Storage;
using Metrics.Storage.Tables;

namespace Metrics.Rollups.Ingest;

/// <summary>
/// The endpoints each service has reported each day (table <c>Endpoints</c>, a partition per day and service, a row per
/// endpoint), which <see cref="EndpointLimit"/> counts. Known endpoints are kept in memory too: a day's set only grows,
/// so a batch of known endpoints costs no storage call, and a batch with new ones reads its days fresh, since other
/// instances add to them.
/// </summary>
public sealed class EndpointCatalog(StorageAccount account)
{
    private readonly ConcurrentDictionary<ServiceDay, IReadOnlySet<string>> _known = new();

    /// <summary>What this instance knows of the days of a batch, without a storage call.</summary>
    public IReadOnlyDictionary<ServiceDay, IReadOnlySet<string>> Cached(IEnumerable<ServiceDay> days) =>
        days.Distinct().ToDictionary(day => day, day => _known.TryGetValue(day, out var set) ? set : new HashSet<string>());

    /// <summary>The days' endpoints as storage has them now (and the cache brought up to them).</summary>
    public async Task<IReadOnlyDictionary<ServiceDay, IReadOnlySet<string>>> ReadAsync(IEnumerable<ServiceDay> days, CancellationToken cancellationToken)
    {
        var read = new Dictionary<ServiceDay, IReadOnlySet<string>>();
        await account.WithTableAsync(TableNames.Endpoints, async table =>
        {
            foreach (var day in days.Distinct())
            {
                var endpoints = new HashSet<string>(StringComparer.Ordinal);
                await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {PartitionOf(day)}"),
                                   select: ["Endpoint"], cancellationToken: cancellationToken).ConfigureAwait(false))
                    endpoints.Add(row.GetString("Endpoint"));
                read[day] = Remember(day, endpoints);
            }
        }, cancellationToken).ConfigureAwait(false);
        return read;
    }

    /// <summary>Records admitted endpoints (upserts: a batch sent again writes the same rows).</summary>
    public async Task AddAsync(IReadOnlyDictionary<ServiceDay, IReadOnlyList<string>> admitted, CancellationToken cancellationToken)
    {
        if (admitted.Count == 0) return;
        await account.WithTableAsync(TableNames.Endpoints, async table =>
        {
            foreach (var (day, endpoints) in admitted)
            {
                foreach (var chunk in endpoints.Chunk(100))
                    await table.SubmitTransactionAsync(chunk.Select(endpoint => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                        new TableEntity(PartitionOf(day), RowOf(endpoint)) { ["Endpoint"] = endpoint })), cancellationToken).ConfigureAwait(false);
                Remember(day, endpoints);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private IReadOnlySet<string> Remember(ServiceDay day, IEnumerable<string> endpoints) =>
        _known.AddOrUpdate(day, _ => endpoints.ToHashSet(StringComparer.Ordinal),
            (_, had) => had.Concat(endpoints).ToHashSet(StringComparer.Ordinal));

    /// <summary>
    /// The days no event can be accepted for any more (older than raw retention): their endpoints are never counted
    /// again. Day first in the partition key, so they are one key range.
    /// </summary>
    public async Task<long> PruneAsync(DateOnly before, CancellationToken cancellationToken)
    {
        var table = await account.TableAsync(TableNames.Endpoints, cancellationToken).ConfigureAwait(false);
        foreach (var day in _known.Keys.Where(day => day.Day < before)) _known.TryRemove(day, out _);
        return await PartitionSweeper.DeleteRangeAsync(table, "", Day(before), cancellationToken).ConfigureAwait(false);
    }

    private static string PartitionOf(ServiceDay day) => $"{Day(day.Day)}|{day.Service}";

    private static string Day(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Endpoints hold characters keys may not (<c>/</c>, <c>?</c>): the row is a hash of the endpoint.</summary>
    private static string RowOf(string endpoint) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(endpoint)).AsSpan(0, 16));
}
