using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Azure.Data.Tables;
using Metrics.Azurite;
using Metrics.Core.Ingestion;
using Metrics.Rollups;
using Metrics.Rollups.Ingest;
using Metrics.Storage;

namespace Metrics.Benchmarks;

/// <summary>
/// Issue 2: how close end-to-end ingestion comes to what Azurite itself can take. (a) the events' rows
/// upserted straight through the storage client, in full 100-row transactions, 8 at a time as
/// RawEventStore does; (b) the same events POSTed as 1000-event batches to the real app: Metrics.LocalHost in this
/// process, forwarding to the worker process as the Functions host does.
/// Target: (b) at least 0.7 of (a). Rounds alternate (a) and (b) on fresh tables, so a shared machine's
/// load hits both alike; the summary takes the median.
/// </summary>
internal static class IngestBenchmark
{
    public const double TargetRatio = 0.7;
    private const string IngestKey = "bench-ingest-key";

    public static readonly Benchmark Definition = new("ingest",
        "raw Azurite upserts/s vs end-to-end POST /api/ingest/requests events/s, and bytes allocated per event",
        """
                   --events N          events per phase (default 50000)
                   --rounds N          times (a) then (b) are measured, each on fresh tables (default 3)
                   --clients N         concurrent HTTP clients in (b) (default 4)
                   --transactions N    concurrent transactions in (a) (default 8, as RawEventStore)
                   --batch-size N      events per POSTed batch (default 1000, the API's maximum)
                   --warmup-batches N  batches sent through each path before timing (default 3)
                   --shards N          shards per hour of raw rows, in (a) and the app's Storage:Shards (default 8)
                   --raw-per-batch     group (a)'s transactions per batch as the app must (smaller than 100 rows)
                   --allocations       also sample which types each phase allocates (slows it down)
        """,
        RunAsync);

    internal sealed record Settings(int Events, int Rounds, int Clients, int Transactions, int BatchSize, int WarmupBatches,
        int Shards, bool RawPerBatch, bool Allocations)
    {
        public int WarmupEvents => WarmupBatches * BatchSize;
    }

    internal sealed record Round(PhaseResult Raw, long RawRows, PhaseResult Ingest, PostOutcome Outcome, long IngestRows)
    {
        public double Ratio => Ingest.EventsPerSecond / Raw.EventsPerSecond;
    }

    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var settings = new Settings(
            args.Int("events", 50_000, 1, 10_000_000), args.Int("rounds", 3, 1, 100), args.Int("clients", 4, 1, 256),
            args.Int("transactions", 8, 1, 256), args.Int("batch-size", IngestLimits.MaxBatchSize, 1, IngestLimits.MaxBatchSize),
            args.Int("warmup-batches", 3, 0, 1000), args.Int("shards", RollupOptions.DefaultShards, 1, 99),
            args.Flag("raw-per-batch"), args.Flag("allocations"));
        args.RejectUnknown();

        Console.WriteLine($"ingest: {settings.Events:N0} events per phase, {settings.Rounds} rounds, {settings.BatchSize}-event batches, " +
            $"{settings.Clients} clients in (b), {settings.Transactions} concurrent transactions in (a)" +
            $"{(settings.RawPerBatch ? " grouped per batch" : "")}, {settings.WarmupBatches} warm-up batches, {settings.Shards} shards");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, " +
            $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC");

        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync();
        using var node = MachineCpu.FindAzurite(azurite.Options.TablePort);
        Console.WriteLine($"azurite: in memory on 127.0.0.1:{azurite.Options.TablePort}, node pid {node?.Id.ToString(CultureInfo.InvariantCulture) ?? "unknown"}");

        using var sampler = settings.Allocations ? new AllocationSampler() : null;
        var now = TimeProvider.System.GetUtcNow();
        var data = new SyntheticRequests("bench-svc", Guid.NewGuid().ToString("N")[..8], now);
        // Built before any timing: the clients only send these bytes. Events 0..N-1 are timed, the next ones warm up.
        var warmupBodies = data.Batches(settings.Events, settings.WarmupEvents, settings.BatchSize);
        var bodies = data.Batches(0, settings.Events, settings.BatchSize);

        var baseline = await MeasureClientsAloneAsync(warmupBodies, bodies, settings, node, sampler);
        Console.WriteLine($"clients alone: {baseline.EventsPerSecond:N0} events/s, {baseline.BytesPerEvent:N0} B/event");
        var rounds = new List<Round>();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            var (raw, rawRows) = await MeasureRawWritesAsync(azurite.ConnectionString, data, settings, now, node, sampler, $"{round} (a) raw upserts");
            var (ingest, outcome, ingestRows) = await MeasureIngestionAsync(azurite.ConnectionString, warmupBodies, bodies, settings, node, sampler, $"{round} (b) ingestion");
            rounds.Add(new Round(raw, rawRows, ingest, outcome, ingestRows));
            Console.WriteLine($"round {round}: raw {raw.EventsPerSecond:N0} events/s, ingestion {ingest.EventsPerSecond:N0} events/s, ratio {rounds[^1].Ratio:N2}");
        }

        return IngestSummary.Print(settings, rounds, baseline, AppTransactionShape(data, settings, now)) ? 0 : 1;
    }

    private static async Task<(PhaseResult Result, long Rows)> MeasureRawWritesAsync(string connectionString, SyntheticRequests data,
        Settings settings, DateTimeOffset now, Process? node, AllocationSampler? sampler, string name)
    {
        var account = new StorageAccount(new StorageOptions { ConnectionString = connectionString, Prefix = FreshPrefix() });
        var table = await account.TableAsync(TableNames.RequestEvents);
        var warmup = Transactions(data, settings.Events, settings.WarmupEvents, settings, now);
        var timed = Transactions(data, 0, settings.Events, settings, now);

        await SubmitAllAsync(table, warmup, settings.Transactions);
        GC.Collect();
        var meter = PhaseMeter.Start(node, sampler);
        await SubmitAllAsync(table, timed, settings.Transactions);
        var result = meter.Stop(name, settings.Events);

        var rows = await StoredRows.CountAsync(table) - settings.WarmupEvents;
        // Azurite keeps tables in memory: drop this one so that (b) starts from the same state.
        await table.DeleteAsync();
        return (result, rows);
    }

    /// <summary>
    /// The rows as RawEventStore builds them, in upsert transactions of up to 100 rows of one partition:
    /// over all events (full transactions), or batch by batch as the app has to.
    /// </summary>
    private static List<TableTransactionAction[]> Transactions(SyntheticRequests data, int first, int count, Settings settings, DateTimeOffset now)
    {
        var group = settings.RawPerBatch ? settings.BatchSize : Math.Max(count, 1);
        var batchId = Guid.CreateVersion7(now).ToString("N");
        return Enumerable.Range(0, (count + group - 1) / group)
            .SelectMany(g => Enumerable.Range(first + g * group, Math.Min(group, count - g * group))
                .Select(i => RawEntities.From(data.Event(i), settings.Shards, batchId, now))
                .GroupBy(row => row.PartitionKey, StringComparer.Ordinal)
                .SelectMany(partition => partition.Chunk(StorageAccount.MaxTransactionActions)))
            .Select(rows => rows.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)).ToArray())
            .ToList();
    }

    private static Task SubmitAllAsync(TableClient table, List<TableTransactionAction[]> transactions, int parallelism) =>
        Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (transaction, token) => await table.SubmitTransactionAsync(transaction, token));

    private static async Task<PhaseResult> MeasureClientsAloneAsync(
        List<byte[]> warmupBodies, List<byte[]> bodies, Settings settings, Process? node, AllocationSampler? sampler)
    {
        await using var sink = new LoopbackSink();
        using var poster = new BatchPoster(sink.Address, IngestKey, settings.Clients);
        await poster.PostAllAsync(warmupBodies);
        GC.Collect();
        var received = sink.BodyBytes;
        var meter = PhaseMeter.Start(node, sampler);
        var outcome = await poster.PostAllAsync(bodies);
        var result = meter.Stop("clients alone (sink)", settings.Events);
        var sent = bodies.Sum(body => (long)body.Length);
        if (sink.BodyBytes - received != sent || outcome.NotAccepted > 0)
            throw new InvalidOperationException($"the sink read {sink.BodyBytes - received} body bytes of the {sent} sent");
        return result;
    }

    private static async Task<(PhaseResult, PostOutcome, long Rows)> MeasureIngestionAsync(string connectionString, List<byte[]> warmupBodies,
        List<byte[]> bodies, Settings settings, Process? node, AllocationSampler? sampler, string name)
    {
        await using var app = await HostedApp.StartAsync(connectionString, FreshPrefix(), IngestKey, settings.Shards);
        using var poster = new BatchPoster(app.Address, IngestKey, settings.Clients);
        var warmup = await poster.PostAllAsync(warmupBodies);
        if (warmup.FirstFailure is { } failure) throw new InvalidOperationException($"warm-up batch refused: {failure}");
        GC.Collect();
        using var worker = Process.GetProcessById(app.WorkerProcessId);
        var meter = PhaseMeter.Start(node, sampler, worker);
        var outcome = await poster.PostAllAsync(bodies);
        var result = meter.Stop(name, settings.Events);

        // Raw rows are in one table per day of event time.
        long rows = -settings.WarmupEvents;
        foreach (var rawTable in await app.Storage.TableNamesAsync(TableNames.RequestEvents))
        {
            var table = await app.Storage.TableAsync(rawTable);
            rows += await StoredRows.CountAsync(table);
            await app.Storage.DeleteTableAsync(rawTable);
        }
        return (result, outcome, rows);
    }

    /// <summary>How RawEventStore splits each POSTed batch: by partition (hour and shard), then into chunks of 100.</summary>
    private static (double TransactionsPerBatch, double RowsPerTransaction) AppTransactionShape(SyntheticRequests data, Settings settings, DateTimeOffset now)
    {
        var transactions = 0;
        for (var first = 0; first < settings.Events; first += settings.BatchSize)
            transactions += Enumerable.Range(first, Math.Min(settings.BatchSize, settings.Events - first))
                .Select(i => RawEntities.From(data.Event(i), settings.Shards, "", now).PartitionKey)
                .GroupBy(key => key, StringComparer.Ordinal)
                .Sum(partition => (partition.Count() + StorageAccount.MaxTransactionActions - 1) / StorageAccount.MaxTransactionActions);
        var batches = (settings.Events + settings.BatchSize - 1) / settings.BatchSize;
        return ((double)transactions / batches, (double)settings.Events / transactions);
    }

    private static string FreshPrefix() => "bench" + Guid.NewGuid().ToString("N")[..10];
}
