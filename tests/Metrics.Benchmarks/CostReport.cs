namespace Metrics.Benchmarks;

/// <summary>
/// Prints the cost benchmark's measured inputs per 1,000 events, then the monthly dollars they come to at Azure's list
/// prices (docs/cost.md explains each line and where each price comes from). The prices are constants here so that a
/// re-run with new ones is one edit.
/// </summary>
internal static class CostReport
{
    internal sealed record Run(string Configuration, CostBenchmark.Measured Requests, CostBenchmark.Measured Beacons,
        (long Items, long Bytes, double Minutes) Metrics);

    // Prices in US dollars, pay as you go; docs/cost.md gives the source and date of each and says which are unverified.
    private const double FlexPerGbSecond = 0.000026;
    private const double FlexPerMillionExecutions = 0.40;
    private const double TablePerGbMonth = 0.045;
    private const double TablePer10kTransactions = 0.00036;
    private const double LogsPerGb = 2.30;

    /// <summary>infra/main.bicep's instance size; Flex Consumption bills it for every second an instance is executing.</summary>
    private const double InstanceGb = 2.048;
    private const double SecondsPerMonth = 30 * 24 * 3600;

    /// <summary>Flex Consumption bills an instance's active period for at least a second.</summary>
    private const double MinimumBilledSeconds = 1.0;

    /// <summary>Raw rows stay 7 days plus up to 2 (runbook.md, "Storage budget"): 9/30 of a month's events stored on average.</summary>
    private const double RawMonthsKept = 9.0 / 30;

    /// <summary>Rollup bytes per event and months kept: 0.216 rows of about 840 bytes (docs/scaling.md), kept 90 days.</summary>
    private const double RollupBytesPerEvent = 0.216 * 840;
    private const double RollupMonthsKept = 3;

    public static void Print(IReadOnlyList<Run> runs, int requestBatch, int beaconBatch)
    {
        Console.WriteLine();
        Console.WriteLine($"per 1,000 events (requests in batches of {requestBatch}, beacons in batches of {beaconBatch}):");
        Console.WriteLine($"{"configuration",-14} {"kind",-9} {"worker CPU s",12} {"executions",10} {"storage req",11} {"raw B/event",11} {"trace items",11} {"trace bytes",11}");
        foreach (var run in runs)
            foreach (var m in new[] { run.Requests, run.Beacons })
                Console.WriteLine($"{run.Configuration,-14} {m.Kind,-9} {m.Per1000(m.WorkerCpuSeconds),12:F3} {m.Per1000(m.Batches),10:F1} " +
                    $"{m.Per1000(m.StorageRequests.Values.Sum()),11:F1} {m.RawBytesPerEvent,11:F0} {m.Per1000(m.TelemetryItems),11:F1} {m.Per1000(m.TelemetryBytes),11:N0}");
        foreach (var run in runs)
        {
            Console.WriteLine($"{run.Configuration}: telemetry by type per 1,000 events; metrics {run.Metrics.Items:N0} items, {run.Metrics.Bytes:N0} bytes " +
                $"in {run.Metrics.Minutes:F1} min of the app");
            foreach (var m in new[] { run.Requests, run.Beacons })
            {
                var types = string.Join(", ", m.Telemetry.Where(t => t.Key != "MetricData" && t.Value.Items > 0)
                    .Select(t => $"{t.Key} {m.Per1000(t.Value.Items):F1} items {m.Per1000(t.Value.Bytes):N0} B"));
                var storage = string.Join(", ", m.StorageRequests.OrderByDescending(s => s.Value).Select(s => $"{s.Key} {m.Per1000(s.Value):F1}"));
                Console.WriteLine($"  {m.Kind,-9} {(types.Length == 0 ? "no traces" : types)}");
                Console.WriteLine($"  {"",-9} 202 after {m.AnswerMs.Median:F0} ms median, {m.AnswerMs.P95:F0} ms p95, {m.AnswerMs.Max:F0} ms max");
                Console.WriteLine($"  {"",-9} storage: {storage}; worker peak resident {m.WorkerPeakMiB:F0} MiB; " +
                    $"one compaction after them: {m.Compaction.Seconds:F2} s, {m.Compaction.StorageRequests} storage requests");
            }
        }

        var after = runs[^1];
        var requestItemBytes = RequestItemBytes(runs);
        Console.WriteLine();
        Console.WriteLine($"$ a month with the '{after.Configuration}' telemetry, one {InstanceGb} GB instance size, compaction not included (docs/performance/cadence.md):");
        Console.WriteLine($"{"kind",-9} {"events/month",14} {"compute",9} {"executions",10} {"storage tx",10} {"storage GB",10} {"telemetry",9} {"total",9} {"AppInsights, 1 row/request",27}");
        foreach (var m in new[] { after.Requests, after.Beacons })
            foreach (var events in new[] { 1e6, 1e8, 1e9 })
            {
                var cost = Monthly(m, after.Metrics, events, requestItemBytes);
                var appInsights = m.Kind == "requests" ? $"{events * requestItemBytes / 1e9 * LogsPerGb,27:N2}" : $"{"",27}";
                Console.WriteLine($"{m.Kind,-9} {events,14:N0} {cost.Compute,9:N2} {cost.Executions,10:N2} {cost.Transactions,10:N2} {cost.Stored,10:N2} " +
                    $"{cost.Telemetry,9:N2} {cost.Total,9:N2} {appInsights}");
            }
        Console.WriteLine($"(AppInsights column: each request event ingested as one request row of {requestItemBytes:N0} bytes, the size the worker's exporter " +
            $"sent for its own request spans, at ${LogsPerGb}/GB.)");
    }

    /// <summary>The bytes of one exported request item, from whichever run exported some.</summary>
    private static double RequestItemBytes(IReadOnlyList<Run> runs)
    {
        var items = runs.SelectMany(r => new[] { r.Requests, r.Beacons }).Select(m => m.Telemetry.GetValueOrDefault("RequestData")).Where(t => t.Items > 0).ToList();
        return items.Count == 0 ? double.NaN : items.Sum(t => (double)t.Bytes) / items.Sum(t => t.Items);
    }

    internal sealed record Cost(double Compute, double Executions, double Transactions, double Stored, double Telemetry)
    {
        public double Total => Compute + Executions + Transactions + Stored + Telemetry;
    }

    /// <summary>
    /// One month of <paramref name="events"/> events of a kind. Compute: an instance is billed while it executes, each active
    /// period for at least a second: at least the worker's CPU time (one vCPU an instance), at most a second per batch, and
    /// never more than the month once batches come faster than one a second. Telemetry: the traces per event, the
    /// exporter's metrics per minute, and the host's own request row per execution (taken as large as the worker's).
    /// </summary>
    private static Cost Monthly(CostBenchmark.Measured m, (long Items, long Bytes, double Minutes) metrics, double events, double requestItemBytes)
    {
        var executions = events * m.Batches / m.Events;
        var cpuSeconds = events * m.WorkerCpuSeconds / m.Events;
        var activeSeconds = Math.Max(cpuSeconds, Math.Min(executions * MinimumBilledSeconds, SecondsPerMonth));
        var transactions = events * m.StorageRequests.Values.Sum() / m.Events;
        var storedGb = events * (m.RawBytesPerEvent * RawMonthsKept + RollupBytesPerEvent * RollupMonthsKept) / 1e9;
        var metricBytesPerMonth = metrics.Minutes > 0 ? metrics.Bytes / metrics.Minutes * SecondsPerMonth / 60 : 0;
        var telemetryBytes = events * m.TelemetryBytes / m.Events + metricBytesPerMonth + executions * (double.IsNaN(requestItemBytes) ? 0 : requestItemBytes);
        return new Cost(activeSeconds * InstanceGb * FlexPerGbSecond, executions / 1e6 * FlexPerMillionExecutions, transactions / 1e4 * TablePer10kTransactions,
            storedGb * TablePerGbMonth, telemetryBytes / 1e9 * LogsPerGb);
    }
}
