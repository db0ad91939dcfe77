using System.Globalization;
using Azure.Data.Tables;

namespace Metrics.Storage.Admin;

/// <summary>
/// The audit trail of admin and finance calls: one partition per UTC day, and row keys counting down
/// in time so that a plain query of a day lists the newest call first.
/// </summary>
public sealed class AuditLog(StorageAccount account)
{
    public const string Allowed = "allowed";
    public const string Denied = "denied";

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        var at = entry.At.ToUniversalTime();
        var row = new TableEntity(PartitionKey(at), RowKey(at))
        {
            ["Who"] = entry.Who,
            ["Roles"] = string.Join(',', entry.Roles.Order(StringComparer.Ordinal)),
            ["Method"] = entry.Method,
            ["Path"] = entry.Path,
            ["Query"] = entry.Query,
            ["Status"] = entry.Status,
            ["At"] = at,
            ["Outcome"] = entry.Outcome,
        };
        if (entry.Range is not null) row["Range"] = entry.Range;
        if (entry.Org is not null) row["Org"] = entry.Org;
        return account.WithTableAsync(AdminTables.Audit, table => table.AddEntityAsync(row, cancellationToken), cancellationToken);
    }

    /// <summary>Deletes the days before <paramref name="before"/>'s (a partition per day); returns the rows deleted.</summary>
    public async Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(AdminTables.Audit, cancellationToken).ConfigureAwait(false);
        return await Tables.PartitionSweeper.DeleteRangeAsync(table, "", PartitionKey(before), cancellationToken).ConfigureAwait(false);
    }

    public static string PartitionKey(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Ticks left until the end of time (fixed width, so text order is time order reversed) and a short guid against collisions.</summary>
    public static string RowKey(DateTimeOffset at) =>
        $"{(DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..8]}";
}
