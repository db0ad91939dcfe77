using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Rollups.Ingest;
using Metrics.Rollups.Queries;
using Metrics.Rollups.Tables;
using Metrics.Storage;
using Metrics.Storage.Tables;

namespace Metrics.Rollups.Retention;

/// <summary>
/// Storage size without reading every row, for the nightly budget check. Its cost per night follows one day's rollup
/// rows and the number of services, not what is stored.
/// <list type="bullet">
/// <item>Raw rows: one per acknowledged event, so the events the rollups count over the days that still have a raw
/// table (one query of the smallest family), times the bytes of a sample of the newest day's rows. Under: rows stored
/// but not acknowledged (a batch refused after its rows were written), rare.</item>
/// <item>Rollup rows: counted once per day, the night after the day ends (every row of the day's hour and day
/// partitions, with their bytes), and kept in a ledger; a week's rows the night after the week ends; today counted
/// afresh. Stored rollups are the sum of the ledger over the days retention keeps; the first night after an upgrade
/// counts every kept day once, and takes weeks before the last as the mean counted week. Under: rows that late events
/// (up to the raw retention) add to a day after it was counted.</item>
/// </list>
/// </summary>
public sealed class StorageEstimate(StorageAccount account, RawDayTables rawTables, RollupQueries queries, RollupStore store)
{
    /// <summary>Bytes of a raw row when no row is there to sample (a request event as the benchmarks send it).</summary>
    public const long DefaultRawRowBytes = 700;
    private const string Ledger = "rollup-size";

    public async Task<StoredSize> MeasureAsync(DateTimeOffset now, DateTimeOffset rollupCutoff, CancellationToken cancellationToken = default)
    {
        long rawRows = 0, rawBytes = 0;
        foreach (var kind in EventKinds.All)
        {
            var (rows, bytesPerRow) = await RawAsync(kind, now, cancellationToken).ConfigureAwait(false);
            rawRows += rows;
            rawBytes += rows * bytesPerRow;
        }
        var (rollupRows, rollupBytes) = await RollupsAsync(now, rollupCutoff, cancellationToken).ConfigureAwait(false);
        return new StoredSize(rawRows, rawBytes, rollupRows, rollupBytes);
    }

    /// <summary>The events the rollups hold in [<paramref name="from"/>, <paramref name="to"/>): one read of the kind's first family.</summary>
    public async Task<long> EventsAsync(EventKind kind, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        if (from >= to) return 0;
        var window = new QueryWindow(from, to);
        var family = Families.Of(kind)[0];
        return kind == EventKind.Requests
            ? (await queries.RequestsAsync(window, Grain.Week, [family], [], cancellationToken).ConfigureAwait(false))[family].Sum(s => s.Cell.Requests)
            : (await queries.UsageAsync(window, Grain.Week, [family], [], cancellationToken).ConfigureAwait(false))[family].Sum(s => s.Cell.Events);
    }

    private async Task<(long Rows, long BytesPerRow)> RawAsync(EventKind kind, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var days = await rawTables.DaysAsync(kind, cancellationToken).ConfigureAwait(false);
        long rows = 0;
        if (days.Count > 0)
            rows = await EventsAsync(kind, Start(days[0]), RollupCalendar.HourOf(now).AddHours(1), cancellationToken).ConfigureAwait(false);
        // The legacy table holds rows only in the days after an upgrade: counted, keys only, until the nightly run deletes it.
        rows += await CountAsync(account.ExistingTable(TableNames.RawEvents(kind)), null, cancellationToken).ConfigureAwait(false);
        long sampled = 0, bytes = 0;
        if (days.Count > 0)
            await foreach (var page in account.ExistingTable(TableNames.RawEvents(kind, days[^1])).QueryAsync<TableEntity>(maxPerPage: 100,
                               cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
            {
                foreach (var row in page.Values) (sampled, bytes) = (sampled + 1, bytes + EntityBytes.Of(row));
                if (sampled > 0) break;
            }
        return (rows, sampled > 0 ? bytes / sampled : DefaultRawRowBytes);
    }

    private async Task<(long Rows, long Bytes)> RollupsAsync(DateTimeOffset now, DateTimeOffset rollupCutoff, CancellationToken cancellationToken)
    {
        var ledger = await account.TableAsync(TableNames.NightlyRuns, cancellationToken).ConfigureAwait(false);
        var known = new Dictionary<string, (long Rows, long Bytes)>(StringComparer.Ordinal);
        await foreach (var row in ledger.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Ledger}"), cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
            known[row.RowKey] = (row.GetInt64("Rows") ?? 0, row.GetInt64("Bytes") ?? 0);

        var today = RollupCalendar.DayOf(now);
        var first = RollupCalendar.DayOf(rollupCutoff);
        var firstData = await FirstDayAsync(cancellationToken).ConfigureAwait(false);
        if (firstData is null) return (0, 0);
        if (firstData > first) first = firstData.Value;

        // Usually only yesterday is missing; the first night after an upgrade counts every kept day once.
        for (var day = today.AddDays(-1); day >= first; day = day.AddDays(-1))
            if (!known.ContainsKey(DayKey(day)))
                known[DayKey(day)] = await CountAsync(Grain.Day, day, ledger, cancellationToken).ConfigureAwait(false);
        var lastWeek = RollupCalendar.WeekOf(now).AddDays(-7);
        if (lastWeek >= first && !known.ContainsKey(WeekKey(lastWeek)))
            known[WeekKey(lastWeek)] = await CountAsync(Grain.Week, lastWeek, ledger, cancellationToken).ConfigureAwait(false);
        await ForgetBeforeAsync(ledger, known.Keys, RollupCalendar.DayOf(rollupCutoff), cancellationToken).ConfigureAwait(false);
        foreach (var key in known.Keys.Where(k => Parse(k) < first).ToList()) known.Remove(key);

        var (rows, bytes) = await CountAsync(Grain.Day, today, null, cancellationToken).ConfigureAwait(false);
        var dayMean = Mean(known.Where(k => k.Key[0] == 'd').Select(k => k.Value).ToList());
        for (var day = first; day < today; day = day.AddDays(1))
        {
            var (r, b) = known.TryGetValue(DayKey(day), out var entry) ? entry : dayMean;
            (rows, bytes) = (rows + r, bytes + b);
        }
        // Weeks that start inside retention (strict retention prunes the others); the week in progress has no rows yet.
        var weekMean = Mean(known.Where(k => k.Key[0] == 'w').Select(k => k.Value).ToList());
        for (var week = RollupCalendar.WeekOf(first) < first ? RollupCalendar.WeekOf(first).AddDays(7) : first; week <= lastWeek; week = week.AddDays(7))
        {
            var (r, b) = known.TryGetValue(WeekKey(week), out var entry) ? entry : weekMean;
            (rows, bytes) = (rows + r, bytes + b);
        }
        return (rows, bytes);
    }

    /// <summary>The day the oldest rollup of any kind starts, or null when there are none.</summary>
    private async Task<DateTimeOffset?> FirstDayAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? first = null;
        foreach (var kind in EventKinds.All)
            if (await store.FirstHourAsync(kind, Families.Of(kind)[0], cancellationToken).ConfigureAwait(false) is { } hour && (first is null || hour < first))
                first = hour;
        return first is null ? null : RollupCalendar.DayOf(first.Value);
    }

    /// <summary>
    /// Rows and bytes of one day (its hour and day partitions) or one week (its week partitions), every family; written to
    /// the ledger when <paramref name="ledger"/> is given.
    /// </summary>
    private async Task<(long Rows, long Bytes)> CountAsync(Grain grain, DateTimeOffset start, TableClient? ledger, CancellationToken cancellationToken)
    {
        long rows = 0, bytes = 0;
        foreach (var kind in EventKinds.All)
            foreach (var family in Families.Of(kind))
            {
                var parts = grain == Grain.Week
                    ? [(Grain.Week, RollupPartitions.Key(kind, family, Grain.Week, start), RollupPartitions.Key(kind, family, Grain.Week, start) + "~")]
                    : new[]
                    {
                        (Grain.Hour, RollupPartitions.Key(kind, family, Grain.Hour, start), RollupPartitions.Key(kind, family, Grain.Hour, start.AddDays(1))),
                        (Grain.Day, RollupPartitions.Key(kind, family, Grain.Day, start), RollupPartitions.Key(kind, family, Grain.Day, start) + "~"),
                    };
                foreach (var (tableGrain, from, before) in parts)
                {
                    var table = account.ExistingTable(TableNames.Rollups(family, tableGrain));
                    var (r, b) = await SizeAsync(table, TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {before}"), cancellationToken)
                        .ConfigureAwait(false);
                    (rows, bytes) = (rows + r, bytes + b);
                }
            }
        if (ledger is not null)
            await ledger.UpsertEntityAsync(new TableEntity(Ledger, grain == Grain.Week ? WeekKey(start) : DayKey(start)) { ["Rows"] = rows, ["Bytes"] = bytes },
                TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return (rows, bytes);
    }

    private static async Task<(long Rows, long Bytes)> SizeAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        long rows = 0, bytes = 0;
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
                (rows, bytes) = (rows + 1, bytes + EntityBytes.Of(row));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // A family with no table yet holds nothing.
        }
        return (rows, bytes);
    }

    /// <summary>Rows of a table (keys only), or of one partition-key filter; a missing table holds none.</summary>
    private static async Task<long> CountAsync(TableClient table, string? filter, CancellationToken cancellationToken)
    {
        long count = 0;
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey"], cancellationToken: cancellationToken)
                               .AsPages().ConfigureAwait(false))
                count += page.Values.Count;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
        return count;
    }

    private static async Task ForgetBeforeAsync(TableClient ledger, IEnumerable<string> keys, DateTimeOffset before, CancellationToken cancellationToken)
    {
        foreach (var key in keys.Where(k => Parse(k) < before).ToList())
            await ledger.DeleteEntityAsync(Ledger, key, ETag.All, cancellationToken).ConfigureAwait(false);
    }

    private static (long Rows, long Bytes) Mean(List<(long Rows, long Bytes)> days) =>
        days.Count == 0 ? (0, 0) : (days.Sum(d => d.Rows) / days.Count, days.Sum(d => d.Bytes) / days.Count);

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    private static string DayKey(DateTimeOffset day) => "d" + day.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
    private static string WeekKey(DateTimeOffset week) => "w" + week.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
    private static DateTimeOffset Parse(string key) => DateTimeOffset.ParseExact(key.AsSpan(1), "yyyyMMdd", CultureInfo.InvariantCulture,
        System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
}
