using Azure.Data.Tables;

namespace Metrics.Storage.Admin;

/// <summary>
/// The roster: user ids that count as members (the <c>membership</c> breakdown), one row each in
/// partition <c>member</c> keyed by the id. Ids compare exactly (ordinal), as ingestion stores them.
/// </summary>
public sealed class RosterStore
{
    public const string Partition = "member";
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    private readonly StorageAccount _account;
    private readonly CachedRead<IReadOnlySet<string>> _members;

    public RosterStore(StorageAccount account, TimeProvider time)
    {
        _account = account;
        _members = new CachedRead<IReadOnlySet<string>>(time, CacheLifetime, ReadAsync);
    }

    /// <summary>The members, at most <see cref="CacheLifetime"/> old (current after a replace on this instance).</summary>
    public Task<IReadOnlySet<string>> GetMembersAsync(CancellationToken cancellationToken = default) => _members.GetAsync(cancellationToken);

    /// <summary>Makes <paramref name="members"/> the whole roster. Each id must pass <see cref="TableKey.Problem"/>.</summary>
    public async Task ReplaceAsync(IReadOnlyCollection<string> members, CancellationToken cancellationToken = default)
    {
        var rows = members.Distinct(StringComparer.Ordinal).Select(id => new TableEntity(Partition, id)).ToList();
        try
        {
            await WholePartition.ReplaceAsync(_account, AdminTables.Roster, Partition, rows, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Also after a failure: part of the new roster may already be stored.
            _members.Invalidate();
        }
    }

    private async Task<IReadOnlySet<string>> ReadAsync(CancellationToken cancellationToken)
    {
        var rows = await WholePartition.ReadAsync(_account, AdminTables.Roster, Partition, cancellationToken).ConfigureAwait(false);
        return rows.Select(row => row.RowKey).ToHashSet(StringComparer.Ordinal);
    }
}
