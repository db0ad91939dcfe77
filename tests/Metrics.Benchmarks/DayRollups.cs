using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;
using Metrics.Core.Sketches;
using Metrics.Rollups;
using Metrics.Rollups.Tables;
using Metrics.Storage;

namespace Metrics.Benchmarks;

/// <summary>
/// Day and week rollup rows written straight from generated events, for volumes that take Azurite hours to load and
/// compact row by row (its per-insert cost grows with the rows a table holds). A query over whole days reads day and
/// week rows only, and a day's or week's cells computed from all its events are what compaction gets by merging its
/// hours and then days (sketch merges are exact unions and bucket sums): <see cref="CompareAsync"/> checks that on real data.
/// </summary>
internal static class DayRollups
{
    /// <summary>Day rows, and week rows for the weeks that are over (as compaction writes them), of every request family.</summary>
    public static async Task<int> WriteAsync(StorageAccount storage, IReadOnlyCollection<RequestEvent> events)
    {
        var store = new RollupStore(storage, new PartialRowCache());
        var written = 0;
        foreach (var (grain, bucketOf) in new (Grain, Func<DateTimeOffset, DateTimeOffset>)[] { (Grain.Day, RollupCalendar.DayOf), (Grain.Week, RollupCalendar.WeekOf) })
            foreach (var bucket in events.GroupBy(e => bucketOf(e.Timestamp)).Where(b => grain == Grain.Day || b.Key.AddDays(7) <= DateTimeOffset.UtcNow))
            {
                var cells = HourRollup.Of(bucket);
                foreach (var family in Families.RequestFamilies)
                    written += (await store.ReplaceAsync(CellFormats.Requests, family, grain, bucket.Key, cells.Where(c => c.Key.Family == family), FoldPosition.End)).Written;
            }
        return written;
    }

    /// <summary>Hour rows of every request family, as compaction leaves an hour that is over and folded.</summary>
    public static async Task<int> WriteHoursAsync(StorageAccount storage, IReadOnlyCollection<RequestEvent> events)
    {
        var store = new RollupStore(storage, new PartialRowCache());
        var written = 0;
        foreach (var hour in events.GroupBy(e => RollupCalendar.HourOf(e.Timestamp)))
        {
            var cells = HourRollup.Of(hour);
            foreach (var family in Families.RequestFamilies)
                written += (await store.ReplaceAsync(CellFormats.Requests, family, Grain.Hour, hour.Key, cells.Where(c => c.Key.Family == family), FoldPosition.End)).Written;
        }
        return written;
    }

    /// <summary>Every request family's day and week cells under two prefixes, property by property: cells compared, or the first difference.</summary>
    public static async Task<int> CompareAsync(StorageAccount compacted, StorageAccount direct)
    {
        var compared = 0;
        foreach (var table in Families.RequestFamilies.SelectMany(f => new[] { TableNames.Rollups(f, Grain.Day), TableNames.Rollups(f, Grain.Week) }))
        {
            var expected = await RowsAsync(compacted, table);
            var actual = await RowsAsync(direct, table);
            if (!expected.Keys.Order().SequenceEqual(actual.Keys.Order()))
                throw new InvalidOperationException($"{table}: {expected.Count} cells from compaction, {actual.Count} written directly, keys differ");
            foreach (var (key, row) in expected)
            {
                var difference = row.Keys.Union(actual[key].Keys).FirstOrDefault(p => !SameValue(p, row.GetValueOrDefault(p), actual[key].GetValueOrDefault(p)));
                if (difference is not null) throw new InvalidOperationException($"{table} row {key}: property {difference} differs");
                compared++;
            }
        }
        return compared;
    }

    private static async Task<Dictionary<string, Dictionary<string, object>>> RowsAsync(StorageAccount storage, string tableName)
    {
        var table = await storage.TableAsync(tableName);
        var cells = new Dictionary<string, Dictionary<string, object>>();
        // The cells the packs of each partition hold: packs written at other times differ in their generation, not in their cells.
        foreach (var partition in (await table.QueryAsync<TableEntity>().ToListAsync()).GroupBy(row => row.PartitionKey))
            foreach (var cell in SettledPacks.Cells(partition.ToList()))
                cells[$"{cell.PartitionKey}/{cell.RowKey}"] = cell.Where(p => p.Key is not ("odata.etag" or "Timestamp")).ToDictionary(p => p.Key, p => p.Value);
        return cells;
    }

    /// <summary>
    /// Equal values; a duration sketch's float64 sum (8 bytes before its min and max, at the end) may differ in the
    /// last bits with the order of additions, so there the buckets, count, min and max must be equal and the sum close.
    /// </summary>
    private static bool SameValue(string property, object? a, object? b)
    {
        if (a is not byte[] x || b is not byte[] y) return Equals(a, b);
        if (property != "Durations" || x.Length != y.Length || x.Length < 25) return x.AsSpan().SequenceEqual(y);
        var (first, second) = (QuantileSketch.FromBytes(x), QuantileSketch.FromBytes(y));
        return x.AsSpan(0, x.Length - 24).SequenceEqual(y.AsSpan(0, y.Length - 24)) && x.AsSpan(x.Length - 16).SequenceEqual(y.AsSpan(y.Length - 16))
            && first.Count == second.Count && Math.Abs(first.Sum - second.Sum) <= 1e-9 * Math.Abs(first.Sum);
    }
}
