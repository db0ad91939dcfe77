using System.Diagnostics;
using System.Diagnostics.Metrics;
using Metrics.Core.Exports;
using Metrics.Core.Ingestion;
using Metrics.Rollups.Ingest;
using Metrics.Rollups.Retention;
using Metrics.Storage;
using Metrics.Storage.Exports;

namespace Metrics.Functions.Operations.Telemetry;

/// <summary>
/// The gauges of the service's state (docs/operations.md): how far behind each source is, export jobs queued and running,
/// rows by table against the row budget, and the process's memory. Freshness and export jobs live in storage, so they are
/// read into a snapshot when metrics are collected (<see cref="RefreshAsync"/>), never inside a gauge's callback; the row
/// counts are the last nightly run's on this instance.
/// </summary>
public sealed class OperationalState
{
    private readonly SourceFreshness _freshness;
    private readonly ExportStore _exports;
    private readonly TimeProvider _time;
    private Snapshot _snapshot = new(new Dictionary<string, DateTimeOffset>(), null);
    private NightlySummary? _nightly;

    public OperationalState(IMeterFactory meters, SourceFreshness freshness, ExportStore exports, TimeProvider time)
    {
        (_freshness, _exports, _time) = (freshness, exports, time);
        var meter = meters.Create(ServiceInstruments.Name);
        meter.CreateObservableGauge("metrics_source_freshness_lag", FreshnessLag, "s",
            "Seconds since the newest event of each source (requests, usage): how far behind the data a query reads is.");
        meter.CreateObservableGauge("metrics_export_jobs", ExportJobs, "{job}", "Export jobs not finished, by status (queued, running).");
        meter.CreateObservableGauge("metrics_storage_rows", Rows, "{row}", "Rows by table group (raw, rollup, total), as the last nightly run estimated them.");
        // In bytes, Prometheus' base unit (promtool refuses gigabytes); the budget is configured and logged in GB.
        meter.CreateObservableGauge("metrics_storage", () => _nightly is { } n ? [new Measurement<double>(n.StoredGb * StoredSize.BytesPerGb)] : Array.Empty<Measurement<double>>(),
            "By", "Stored bytes (raw + rollups) as the last nightly run estimated them.");
        meter.CreateObservableGauge("metrics_storage_budget", () => _nightly is { } n ? [new Measurement<double>(n.StorageBudgetGb * StoredSize.BytesPerGb)] : Array.Empty<Measurement<double>>(),
            "By", "The storage budget the nightly run alerts against (Alerts:StorageBudgetGb), in bytes.");
        meter.CreateObservableGauge("metrics_process_memory", Memory, "By", "This worker process's memory, by type (working_set, gc_heap, rss, vms).");
    }

    /// <summary>
    /// Reads freshness and unfinished export jobs: two small queries per collection (a scrape every 15 s or more). These
    /// reads are the self-metrics' own and are neither measured nor traced. A failed read keeps the previous values
    /// (metrics_storage_up is 0 then).
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var _ = StorageTelemetry.Unmeasured();
            var freshness = await _freshness.ReadAsync(cancellationToken);
            var unfinished = await _exports.UnfinishedAsync(cancellationToken);
            _snapshot = new Snapshot(freshness.ToDictionary(f => f.Key.Name(), f => f.Value.LastEventAt),
                unfinished.GroupBy(j => j.Status).ToDictionary(g => g.Key, g => g.Count()));
        }
        catch (Exception e) when (StorageFault.IsUnavailable(e))
        {
            // Keep what was last read.
        }
    }

    public void RecordNightly(NightlySummary summary)
    {
        if (summary.Status == NightlySummary.Completed) _nightly = summary;
    }

    private IEnumerable<Measurement<double>> FreshnessLag()
    {
        var now = _time.GetUtcNow();
        return _snapshot.LastEventAt.Select(s => new Measurement<double>(Math.Max(0, (now - s.Value).TotalSeconds), new KeyValuePair<string, object?>("source", s.Key)));
    }

    private IEnumerable<Measurement<int>> ExportJobs() => _snapshot.ExportsByStatus is { } byStatus
        ? new[] { ExportStatus.Queued, ExportStatus.Running }.Select(s => new Measurement<int>(byStatus.GetValueOrDefault(s), new KeyValuePair<string, object?>("status", s)))
        : [];

    private IEnumerable<Measurement<long>> Rows() => _nightly is { } n
        ?
        [
            new(n.RawRows, new KeyValuePair<string, object?>("table", "raw")),
            new(n.RollupRows, new KeyValuePair<string, object?>("table", "rollup")),
            new(n.TotalRows, new KeyValuePair<string, object?>("table", "total")),
        ]
        : [];

    private static IEnumerable<Measurement<long>> Memory()
    {
        using var process = Process.GetCurrentProcess();
        return
        [
            new(process.WorkingSet64, new KeyValuePair<string, object?>("type", "working_set")),
            new(GC.GetTotalMemory(forceFullCollection: false), new KeyValuePair<string, object?>("type", "gc_heap")),
            // The names the self-metrics plan uses: resident and virtual size (on Linux, rss is the working set).
            new(process.WorkingSet64, new KeyValuePair<string, object?>("type", "rss")),
            new(process.VirtualMemorySize64, new KeyValuePair<string, object?>("type", "vms")),
        ];
    }

    private sealed record Snapshot(IReadOnlyDictionary<string, DateTimeOffset> LastEventAt, IReadOnlyDictionary<string, int>? ExportsByStatus);
}
