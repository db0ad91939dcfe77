using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Metrics.Azurite;
using Metrics.Storage;
using Microsoft.Playwright;

namespace Metrics.Benchmarks;

/// <summary>
/// Issue 14's figure: the dashboard's first render in Chromium (navigation start to every section drawn: cards, the
/// three charts and every table, as the page marks it) over the last 30 days holding N request events once compacted,
/// and the bytes the page transferred. The events' day and week rollups are written directly (<see cref="DayRollups"/>),
/// in the whole days of the 30-day range, so the page reads what compaction would have left.
/// </summary>
internal static class DashboardBenchmark
{
    public static readonly Benchmark Definition = new("dashboard",
        "first render of the dashboard in Chromium over 30 days of compacted events, and its transfer size",
        """
                   --events N       request events in the 30 days (default 1000000)
                   --repeats N      timed page loads after one warm-up, each in a fresh browser context (default 7; the median is reported)
                   --warm-queries N after the warm-up load, its queries asked N more times without the browser, as a server that
                                    has been answering for a while would have (the JIT's tiers settled; default 40, 0 for a cold server)
                   --chromium PATH  the Chromium to drive (default /usr/bin/chromium)
                   --separate-cores the server (local host, worker, Azurite) on the first core and Chromium on the second, as
                                    a person's browser runs on their own machine, not on the server's (needs taskset, 2+ cores)
        """,
        RunAsync);

    private static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var volume = args.Int("events", 1_000_000, 1_000, 10_000_000);
        var repeats = args.Int("repeats", 7, 1, 100);
        var warmQueries = args.Int("warm-queries", 40, 0, 1_000);
        var chromiumPath = args.OptionalText("chromium") ?? "/usr/bin/chromium";
        var separateCores = args.Flag("separate-cores");
        args.RejectUnknown();

        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync();
        const string prefix = "dash";
        var storage = new StorageAccount(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = prefix });
        // The whole UTC days inside "the last 30 days" as the API will answer it (ending with the current hour).
        var end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var start = end.AddDays(-29);
        var random = new Random(volume);
        var events = Enumerable.Range(0, volume).Select(i => Traffic.Event(random, i, start.AddSeconds(random.NextDouble() * 29 * 86400))).ToList();
        var watch = Stopwatch.StartNew();
        var rows = await DayRollups.WriteAsync(storage, events);
        Console.WriteLine($"wrote the day and week rollups of {volume:N0} events ({rows:N0} rows, {start:yyyy-MM-dd} to {end:yyyy-MM-dd}) in {watch.Elapsed.TotalSeconds:F1} s");
        events.Clear();

        using var node = MachineCpu.FindAzurite(azurite.Options.TablePort);
        await using var app = await HostedApp.StartAsync(azurite.ConnectionString, prefix, "bench-ingest", shards: 8);
        using var worker = Process.GetProcessById(app.WorkerProcessId);
        if (separateCores)
        {
            foreach (var server in new[] { Environment.ProcessId, app.WorkerProcessId, node?.Id })
                if (server is { } pid) Pin(pid, core: 0);
            chromiumPath = OnCore(chromiumPath, core: 1);
            Console.WriteLine("the server (local host, worker, Azurite) runs on core 0, Chromium on core 1");
        }
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromiumPath, Headless = true, Args = [ChromiumMarker, "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        });
        var url = new Uri(app.Address, "/api/dashboard?range=30d").ToString();
        var renders = new List<double>();
        Transfer transfer = default;
        PhaseMeter? meter = null;
        TimeSpan? chromiumBefore = null;
        for (var i = 0; i <= repeats; i++)
        {
            var (ms, bytes, shown) = await LoadAsync(browser, url);
            if (shown != volume) throw new InvalidOperationException($"the page showed {shown:N0} requests, expected {volume:N0}");
            // The first load warms up (the worker's JIT and the app's first reads), with its queries asked again without
            // the browser: the CPU split starts after it.
            if (i == 0)
            {
                await WarmAsync(app, warmQueries);
                meter = PhaseMeter.Start(node, sampler: null, worker);
                chromiumBefore = MachineCpu.CpuOfTree(ChromiumMarker);
                continue;
            }
            renders.Add(ms);
            transfer = bytes;
        }
        var cpu = meter!.Stop("loads", repeats);
        var chromiumCpu = MachineCpu.CpuOfTree(ChromiumMarker) - chromiumBefore;
        renders.Sort();
        Console.WriteLine();
        Console.WriteLine($"dashboard first render, 30 days, {volume:N0} events compacted (target ≤ 1,000 ms): median {renders[renders.Count / 2]:F0} ms, " +
            $"min {renders[0]:F0} ms, max {renders[^1]:F0} ms over {renders.Count} loads");
        Console.WriteLine($"page transfer: {transfer.Total:N0} bytes over the network ({transfer.Page:N0} page and its files, " +
            $"{transfer.Api:N0} query answers); {transfer.Decoded:N0} bytes decoded");
        PrintCpu(cpu, chromiumCpu, repeats);
        Console.WriteLine($"the last load's phases: {Phases}");
        Console.WriteLine("the last load's requests, slowest first:");
        foreach (var line in Slowest) Console.WriteLine($"  {line}");
        // The same queries one at a time, without the browser: what each costs alone.
        using var http = app.CreateAdminClient();
        Console.WriteLine("each query alone (median of 3):");
        foreach (var query in Slowest.Select(l => l[(l.IndexOf(" ms ", StringComparison.Ordinal) + 4)..]).Where(q => q.StartsWith("/api/metrics/", StringComparison.Ordinal)))
        {
            var times = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var alone = Stopwatch.StartNew();
                using var response = await http.GetAsync(query);
                response.EnsureSuccessStatusCode();
                times.Add(alone.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine($"  {times.Order().ElementAt(1),6:F0} ms {query}");
        }
        var queries = Slowest.Select(l => l[(l.IndexOf(" ms ", StringComparison.Ordinal) + 4)..]).Where(q => q.StartsWith("/api/metrics/", StringComparison.Ordinal)).ToList();
        for (var i = 0; i < 3; i++)
        {
            var together = Stopwatch.StartNew();
            await Task.WhenAll(queries.Select(async q => { using var r = await http.GetAsync(q); r.EnsureSuccessStatusCode(); }));
            Console.WriteLine($"the same {queries.Count} queries at once, without the browser: {together.Elapsed.TotalMilliseconds:F0} ms");
        }
        return 0;
    }

    /// <summary>Keeps every thread of a process, and those it starts later, on one core.</summary>
    private static void Pin(int pid, int core)
    {
        using var taskset = Process.Start(new ProcessStartInfo("taskset", ["-a", "-c", "-p", core.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture)])
            { RedirectStandardOutput = true })!;
        taskset.WaitForExit();
        if (taskset.ExitCode != 0) throw new InvalidOperationException($"taskset could not pin process {pid} to core {core}");
    }

    /// <summary>A script that starts Chromium on one core (its every process inherits it): Playwright starts executables, not commands.</summary>
    private static string OnCore(string chromium, int core)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("--separate-cores needs Linux's taskset");
        var script = Path.Combine(Path.GetTempPath(), $"chromium-on-core-{core}-{Environment.ProcessId}.sh");
        File.WriteAllText(script, $"#!/bin/sh\nexec taskset -c {core} {chromium} \"$@\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    /// <summary>
    /// The warm-up load's queries, asked <paramref name="rounds"/> times side by side: the worker's methods reach their
    /// optimised tier, as they have on a server that has been up for a while. A page load is a person's first render,
    /// not the server's first request.
    /// </summary>
    private static async Task WarmAsync(HostedApp app, int rounds)
    {
        using var http = app.CreateAdminClient();
        var queries = Slowest.Select(l => l[(l.IndexOf(" ms ", StringComparison.Ordinal) + 4)..]).Where(q => q.StartsWith("/api/metrics/", StringComparison.Ordinal)).ToList();
        for (var i = 0; i < rounds; i++)
            await Task.WhenAll(queries.Select(async q => { using var r = await http.GetAsync(q); r.EnsureSuccessStatusCode(); }));
        // Tiered compilation promotes methods in the background once calls stop arriving for a moment.
        await Task.Delay(TimeSpan.FromSeconds(2));
    }

    /// <summary>
    /// Where the machine's CPU went per timed load (each load includes its previous-period queries): the worker, this
    /// process (the local host, and Playwright's client), Azurite, and the rest (Chromium, Playwright's driver, other work).
    /// </summary>
    private static void PrintCpu(PhaseResult cpu, TimeSpan? chromium, int loads)
    {
        static string Per(TimeSpan? time, int loads) => time is { } t ? $"{t.TotalMilliseconds / loads:F0} ms" : "unknown";
        Console.WriteLine($"CPU per load ({Environment.ProcessorCount} cores, {cpu.Elapsed.TotalMilliseconds / loads:F0} ms wall per load with its comparison): " +
            $"worker {Per(cpu.WorkerCpu, loads)}, local host and client {Per(cpu.ProcessCpu - cpu.WorkerCpu, loads)}, Azurite {Per(cpu.AzuriteCpu, loads)}, " +
            $"Chromium {Per(chromium, loads)}, the rest (Playwright's driver, other work) {Per(cpu.OthersCpu - chromium, loads)}; " +
            $"machine busy {(cpu.Machine is { } m ? $"{m.Busy:P0}" : "unknown")}");
    }

    /// <summary>A switch Chromium ignores, by which its processes are found to read their CPU time.</summary>
    private static readonly string ChromiumMarker = $"--metrics-dashboard-benchmark={Environment.ProcessId}";

    /// <summary>The last load's timeline: the page, its files, the first query asked, the last of this period's answers, drawn.</summary>
    private static string Phases = "";

    /// <summary>The last load's requests, slowest first: where the time goes.</summary>
    private static string[] Slowest = [];

    private readonly record struct Transfer(long Page, long Api, long Decoded)
    {
        public long Total => Page + Api;
    }

    /// <summary>One load in a fresh context (no cache): ms from navigation start to the page's "dashboard-drawn" mark.</summary>
    private static async Task<(double Ms, Transfer Bytes, long Requests)> LoadAsync(IBrowser browser, string url)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1400, Height = 900 } });
        await context.AddInitScriptAsync($"sessionStorage.setItem('metrics.adminKey', '{HostedApp.AdminKey}')");
        var page = await context.NewPageAsync();
        await page.GotoAsync(url);
        // Waits for the comparison too, so that no query is cut off when the context closes.
        await page.WaitForFunctionAsync("() => performance.getEntriesByName('dashboard-compared').length > 0", null, new() { Timeout = 120_000 });
        var ms = await page.EvaluateAsync<double>("() => performance.getEntriesByName('dashboard-drawn')[0].startTime");
        var sizes = await page.EvaluateAsync<long[]>("""
            () => {
              const all = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
              const api = all.filter(e => e.name.includes('/api/metrics/'));
              const sum = (list, field) => list.reduce((a, e) => a + e[field], 0);
              return [sum(all, 'transferSize') - sum(api, 'transferSize'), sum(api, 'transferSize'), sum(all, 'decodedBodySize')];
            }
            """);
        // The card reads "1,000,000" followed by its change ("+5% vs previous", "none before").
        Slowest = await page.EvaluateAsync<string[]>("""
            () => performance.getEntriesByType('resource').sort((a, b) => b.duration - a.duration)
              .map(e => `${Math.round(e.duration)} ms ${decodeURIComponent(new URL(e.name).pathname + new URL(e.name).search)}`)
            """);
        Phases = await page.EvaluateAsync<string>("""
            () => {
              const drawn = performance.getEntriesByName('dashboard-drawn')[0].startTime;
              const all = performance.getEntriesByType('resource');
              const files = all.filter(e => e.name.includes('/api/dashboard/'));
              const asked = all.filter(e => e.name.includes('/api/metrics/') && e.startTime < drawn);
              const at = (t) => `${Math.round(t)} ms`;
              return `page ${at(performance.getEntriesByType('navigation')[0].responseEnd)}, files ${at(Math.max(...files.map(e => e.responseEnd)))}, ` +
                `first query asked ${at(Math.min(...asked.map(e => e.startTime)))}, last answer ${at(Math.max(...asked.map(e => e.responseEnd)))}, drawn ${at(drawn)}`;
            }
            """);
        var card = await page.TextContentAsync("[data-measure=Requests] dd") ?? "";
        var shown = long.Parse(Regex.Match(card, @"^[\d,]+").Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        return (ms, new Transfer(sizes[0], sizes[1], sizes[2]), shown);
    }
}
