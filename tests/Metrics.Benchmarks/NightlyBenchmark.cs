using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Metrics.Azurite;
using Metrics.Core;
using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Rollups;
using Metrics.Rollups.Compaction;
using Metrics.Rollups.Ingest;
using Metrics.Storage;
using Metrics.Storage.Tables;
using Metrics.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Metrics.Benchmarks;

/// <summary>
/// Issue 4's figures in one run. The same events (one service, one day of whole hours) are loaded twice, into
/// two table sets on one Azurite. Then, each in a process of its own so its peak memory is its own: an incident
/// export of every row through the real app; the nightly run through the real app, its clock set eight days
/// later so every hour is past raw retention; and the raw baseline, the storage client scanning every row in
/// full and deleting it, hour by hour, as fast as Azurite lets it.
/// </summary>
internal static class NightlyBenchmark
{
    public static readonly Benchmark Definition = new("nightly",
        "nightly run vs raw scan+delete of the same rows, and an incident export of every row: time and peak memory",
        """
                   --events N       raw request events, spread over the 24 hours before this hour (default 1000000)
                   --dirty          leave every hour dirty, as if compaction never ran: the nightly run recomputes all
                                    (default: hours compacted first, as the minute timer leaves them)
                   --export-only    load one copy and run only the export (for volumes where the rest takes too long)
                   --scaling        issue 26: the nightly run alone at N and at 10×N expiring raw rows (default N 100000),
                                    each compacted first, and the ratio of their times (target ≤ 1.5, and ≤ 5 min at 1M)
        """,
        RunAsync);

    private const string Service = "orders-api";
    private const string StepVerb = "nightly-step";

    /// <summary>One measured step, run in a child process: <c>nightly-step --step raw|nightly|export ...</c>.</summary>
    public static readonly Benchmark Step = new(StepVerb, "(internal) one step of the nightly benchmark, in its own process", "", RunStepAsync);

    private static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var scaling = args.Flag("scaling");
        var events = args.Int("events", scaling ? 100_000 : 1_000_000, 1_000, 10_000_000);
        var dirty = args.Flag("dirty");
        var exportOnly = args.Flag("export-only");
        args.RejectUnknown();

        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync();
        var end = RollupCalendar.HourOf(DateTimeOffset.UtcNow);
        var watch = Stopwatch.StartNew();
        if (exportOnly) return await ExportOnlyAsync(azurite.ConnectionString, events, end);
        if (scaling) return await ScalingAsync(azurite.ConnectionString, events, end);
        await Task.WhenAll(LoadAsync(azurite.ConnectionString, "night", events, end), LoadAsync(azurite.ConnectionString, "raw", events, end));
        Console.WriteLine($"loaded {events:N0} events twice in {watch.Elapsed.TotalSeconds:F0} s");
        if (!dirty)
        {
            watch.Restart();
            var compaction = Parse(await RunChildAsync("compact", azurite.ConnectionString, "night", end));
            Console.WriteLine($"compacted {compaction.Rows:N0} raw rows in {compaction.Seconds:F0} s (the minute timer's work, before the nightly run)");
        }

        var export = Parse(await RunChildAsync("export", azurite.ConnectionString, "night", end));
        var nightly = Parse(await RunChildAsync("nightly", azurite.ConnectionString, "night", end));
        var raw = Parse(await RunChildAsync("raw", azurite.ConnectionString, "raw", end));

        Console.WriteLine();
        Console.WriteLine($"{"step",-44} {"rows",10} {"seconds",9} {"rows/s",9} {"peak MB",8}");
        foreach (var (name, step) in new[] { ("incident export (every row, via the app)", export), ("nightly run (via the app)" + (dirty ? ", all hours dirty" : ""), nightly), ("raw scan + delete (storage client only)", raw) })
            Console.WriteLine($"{name,-44} {step.Rows,10:N0} {step.Seconds,9:F1} {step.Rows / step.Seconds,9:N0} {step.PeakMegabytes,8:F0}");
        Console.WriteLine($"nightly / raw time: {nightly.Seconds / raw.Seconds:F2} (target ≤ 1.5); nightly peak memory {nightly.PeakMegabytes:F0} MB (target < 300)");
        Console.WriteLine($"nightly summary: {nightly.Detail}");
        Console.WriteLine($"export: {export.Detail}");

        var failures = new List<string>();
        if (export.Rows != events) failures.Add($"the export holds {export.Rows} rows, not {events}");
        if (nightly.Rows != events) failures.Add($"the nightly run deleted {nightly.Rows} raw rows, not {events}");
        if (raw.Rows != events) failures.Add($"the raw baseline deleted {raw.Rows} rows, not {events}");
        foreach (var prefix in new[] { "night", "raw" })
        {
            var left = await CountAsync(azurite.ConnectionString, prefix);
            if (left != 0) failures.Add($"{left} raw rows are left in the '{prefix}' tables");
        }
        foreach (var failure in failures) Console.WriteLine("CHECK FAILED: " + failure);
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>The export alone, on one copy of the events: for volumes where loading two copies takes too long.</summary>
    private static async Task<int> ExportOnlyAsync(string connectionString, int events, DateTimeOffset end)
    {
        var watch = Stopwatch.StartNew();
        await LoadAsync(connectionString, "night", events, end);
        Console.WriteLine($"loaded {events:N0} events in {watch.Elapsed.TotalSeconds:F0} s");
        var export = Parse(await RunChildAsync("export", connectionString, "night", end));
        Console.WriteLine($"incident export: {export.Rows:N0} rows in {export.Seconds:F1} s ({export.Rows / export.Seconds:N0} rows/s), peak {export.PeakMegabytes:F0} MB; {export.Detail}");
        if (export.Rows == events) return 0;
        Console.WriteLine($"CHECK FAILED: the export holds {export.Rows} rows, not {events}");
        return 1;
    }

    /// <summary>
    /// Issue 26: the nightly run's time at <paramref name="events"/> and at ten times as many expiring raw rows, each set
    /// loaded and compacted in turn (the minute timer's work), so only the nightly run is timed.
    /// </summary>
    private static async Task<int> ScalingAsync(string connectionString, int events, DateTimeOffset end)
    {
        var failures = new List<string>();
        var times = new List<(int Events, StepResult Nightly)>();
        foreach (var (size, prefix) in new[] { (events, "small"), (events * 10, "large") })
        {
            var watch = Stopwatch.StartNew();
            await LoadAsync(connectionString, prefix, size, end);
            Console.WriteLine($"loaded {size:N0} events in {watch.Elapsed.TotalSeconds:F0} s");
            var compaction = Parse(await RunChildAsync("compact", connectionString, prefix, end));
            Console.WriteLine($"compacted {compaction.Rows:N0} raw rows in {compaction.Seconds:F0} s");
            var nightly = Parse(await RunChildAsync("nightly", connectionString, prefix, end));
            Console.WriteLine($"nightly run at {size:N0} expiring raw rows: {nightly.Seconds:F1} s, peak {nightly.PeakMegabytes:F0} MB; {nightly.Detail}");
            times.Add((size, nightly));
            if (nightly.Rows != size) failures.Add($"the nightly run at {size:N0} deleted {nightly.Rows:N0} raw rows");
            var left = await CountAsync(connectionString, prefix);
            if (left != 0) failures.Add($"{left} raw rows are left in the '{prefix}' tables");
        }
        var ratio = times[1].Nightly.Seconds / times[0].Nightly.Seconds;
        Console.WriteLine();
        Console.WriteLine($"nightly run: {times[0].Events:N0} rows {times[0].Nightly.Seconds:F1} s, {times[1].Events:N0} rows {times[1].Nightly.Seconds:F1} s; " +
            $"ratio {ratio:F2} (target ≤ 1.5); at {times[1].Events:N0}: {times[1].Nightly.Seconds / 60:F2} min (target ≤ 5 at 1,000,000)");
        foreach (var failure in failures) Console.WriteLine("CHECK FAILED: " + failure);
        return failures.Count == 0 ? 0 : 1;
    }

    private sealed record StepResult(long Rows, double Seconds, double PeakMegabytes, string Detail);

    private static StepResult Parse(string line)
    {
        var json = JsonDocument.Parse(line).RootElement;
        return new(json.GetProperty("rows").GetInt64(), json.GetProperty("seconds").GetDouble(), json.GetProperty("peakMB").GetDouble(),
            json.GetProperty("detail").GetString() ?? "");
    }

    /// <summary>The same events for every prefix: chunk <c>c</c> always comes from the same seed.</summary>
    private static async Task LoadAsync(string connectionString, string prefix, int events, DateTimeOffset end)
    {
        var storage = Storage(connectionString, prefix);
        using var engine = Engine.On(storage);
        var writer = engine.GetRequiredService<IngestWriter>();
        var chunks = (events + 999) / 1000;
        await Parallel.ForEachAsync(Enumerable.Range(0, chunks), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (chunk, token) =>
        {
            var random = new Random(chunk);
            var batch = Enumerable.Range(chunk * 1000, Math.Min(1000, events - chunk * 1000))
                .Select(i => Traffic.Event(random, i, end.AddHours(-24).AddSeconds(random.NextDouble() * 86_400), Service)).ToList();
            await writer.StoreAsync(batch, end, token);
        });
    }

    private static StorageAccount Storage(string connectionString, string prefix) =>
        new(new StorageOptions { ConnectionString = connectionString, Prefix = prefix });

    /// <summary>Raw request rows left, in every day table and the legacy single table.</summary>
    private static async Task<long> CountAsync(string connectionString, string prefix)
    {
        var storage = Storage(connectionString, prefix);
        long rows = 0;
        foreach (var name in await storage.TableNamesAsync(TableNames.RequestEvents))
            rows += await PartitionSweeper.CountAsync(await storage.TableAsync(name), CancellationToken.None);
        return rows;
    }

    /// <summary>Runs one step in a fresh process and returns the JSON line it ends with.</summary>
    private static async Task<string> RunChildAsync(string step, string connectionString, string prefix, DateTimeOffset end)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(NightlyBenchmark).Assembly.Location);
        foreach (var arg in new[] { StepVerb, "--step", step, "--connection", connectionString, "--prefix", prefix, "--end", end.ToString("O", CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        if (child.ExitCode != 0) throw new InvalidOperationException($"step '{step}' failed with exit code {child.ExitCode}:\n{output}");
        return last;
    }

    private static async Task<int> RunStepAsync(BenchmarkArguments args)
    {
        var step = args.Text("step");
        var connectionString = args.Text("connection");
        var prefix = args.Text("prefix");
        var end = DateTimeOffset.Parse(args.Text("end"), CultureInfo.InvariantCulture);
        args.RejectUnknown();

        // Each step times its work alone, not the start of the app around it.
        var (rows, seconds, detail, peakMB) = step switch
        {
            "compact" => await CompactAsync(connectionString, prefix, end),
            "export" => await ExportAsync(connectionString, prefix, end),
            "nightly" => await NightlyAsync(connectionString, prefix, end),
            "raw" => await ScanAndDeleteAsync(connectionString, prefix, end),
            _ => throw new ArgumentException($"unknown step '{step}'"),
        };
        Console.WriteLine(JsonSerializer.Serialize(new { rows, seconds, peakMB, detail }));
        return 0;
    }

    /// <summary>
    /// The compaction timer's work, done once before the nightly run: every hour's rollups, markers cleared. Run ten minutes
    /// after the load, past Storage:MergeEvery (5 min), so packed partials are merged into settled rows, as they are within
    /// minutes in production; earlier, the nightly run would recompute every hour from its raw rows. Ten minutes after the
    /// load ended, not after <paramref name="end"/>: a load that took longer left the partials it wrote last unfolded.
    /// </summary>
    private static async Task<(long, double, string, double)> CompactAsync(string connectionString, string prefix, DateTimeOffset end)
    {
        var at = new[] { end, DateTimeOffset.UtcNow }.Max().AddMinutes(10);
        await using var app = await HostedApp.StartAsync(connectionString, prefix, "bench-ingest", shards: 8, AppSettings, new SharedClock(at));
        var watch = Stopwatch.StartNew();
        var summary = await PostTimerAsync(app, "RollupCompaction");
        return (summary.GetProperty("RawRowsRead").GetInt64(), watch.Elapsed.TotalSeconds, summary.GetRawText(), ProcessMemory.PeakResidentMegabytes(app.WorkerProcessId));
    }

    private static async Task<(long, double, string, double)> NightlyAsync(string connectionString, string prefix, DateTimeOffset end)
    {
        // Eight days on, every hour of the data is past the seven days of raw retention.
        await using var app = await HostedApp.StartAsync(connectionString, prefix, "bench-ingest", shards: 8, AppSettings, new SharedClock(end.AddDays(8)));
        var watch = Stopwatch.StartNew();
        var summary = await PostTimerAsync(app, "NightlyAggregation");
        return (summary.GetProperty("RawRowsDeleted").GetInt64(), watch.Elapsed.TotalSeconds, summary.GetRawText(), ProcessMemory.PeakResidentMegabytes(app.WorkerProcessId));
    }

    private static async Task<(long, double, string, double)> ExportAsync(string connectionString, string prefix, DateTimeOffset end)
    {
        await using var app = await HostedApp.StartAsync(connectionString, prefix, "bench-ingest", shards: 8, AppSettings);
        using var http = app.CreateAdminClient();
        var watch = Stopwatch.StartNew();
        using var posted = await http.PostAsJsonAsync("/api/exports", new
        {
            kind = "incident", service = Service,
            from = end.AddHours(-24).ToString("O", CultureInfo.InvariantCulture), to = end.ToString("O", CultureInfo.InvariantCulture),
        });
        if (posted.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"POST /api/exports answered {(int)posted.StatusCode}: {await posted.Content.ReadAsStringAsync()}");
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        while (true)
        {
            await Task.Delay(100);
            var job = await http.GetFromJsonAsync<JsonElement>($"/api/exports/{id}");
            var status = job.GetProperty("status").GetString();
            if (status == "failed") throw new InvalidOperationException($"export failed: {job}");
            if (status == "succeeded")
                return (job.GetProperty("rows").GetInt64(), watch.Elapsed.TotalSeconds, $"sha256 {job.GetProperty("sha256").GetString()}", ProcessMemory.PeakResidentMegabytes(app.WorkerProcessId));
        }
    }

    /// <summary>
    /// The floor for the nightly run: the storage client alone reads every row in full (as finalising a dirty
    /// hour must) and deletes it in transactions of 100, per hour's PartitionKey range, four hours at a time.
    /// </summary>
    private static async Task<(long, double, string, double)> ScanAndDeleteAsync(string connectionString, string prefix, DateTimeOffset end)
    {
        var storage = Storage(connectionString, prefix);
        long deleted = 0;
        var watch = Stopwatch.StartNew();
        var hours = Enumerable.Range(1, 24).Select(h => end.AddHours(-h));
        await Parallel.ForEachAsync(hours, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (hour, token) =>
        {
            var table = await storage.TableAsync(TableNames.RawEvents(EventKind.Requests, RawDayTables.DayOf(hour)), token);
            await foreach (var page in table.QueryAsync<TableEntity>(RawRows.HourFilter(hour), maxPerPage: 1000, cancellationToken: token).AsPages())
            {
                var transactions = page.Values.GroupBy(r => r.PartitionKey).SelectMany(p => p.Chunk(StorageAccount.MaxTransactionActions));
                await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = token }, async (rows, t) =>
                    await table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, Azure.ETag.All)), t));
                Interlocked.Add(ref deleted, page.Values.Count);
            }
        });
        return (deleted, watch.Elapsed.TotalSeconds, "", ProcessMemory.PeakResidentMegabytes(Environment.ProcessId));
    }

    // A budget no run reaches: an over-budget early roll-up would change what the nightly step measures.
    private static readonly Dictionary<string, string?> AppSettings = new()
    {
        ["Alerts:RowBudget"] = "1000000000",
    };

    /// <summary>Runs a timer function now, as an operator would (<c>POST /admin/functions/{name}</c>); returns its summary (its return value).</summary>
    private static async Task<JsonElement> PostTimerAsync(HostedApp app, string name)
    {
        using var http = app.CreateAdminClient();
        using var answer = await http.PostAsync($"/admin/functions/{name}", null);
        var body = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"{name} answered {(int)answer.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("returnValue").Clone();
    }
}
