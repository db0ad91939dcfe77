using System.Globalization;
using Metrics.Rollups.Ingest;
using Metrics.Storage;

namespace Metrics.Benchmarks;

/// <summary>The ingest benchmark's closing table and verdicts, in plain text.</summary>
internal static class IngestSummary
{
    /// <returns>Whether every check passed: every answer 202 and every table holding exactly the rows sent.</returns>
    public static bool Print(IngestBenchmark.Settings settings, IReadOnlyList<IngestBenchmark.Round> rounds, PhaseResult baseline,
        (double TransactionsPerBatch, double RowsPerTransaction) appShape)
    {
        var raws = rounds.Select(r => r.Raw).ToList();
        var ingests = rounds.Select(r => r.Ingest).ToList();
        var ratio = Median(rounds.Select(r => r.Ratio));
        var gross = Median(ingests.Select(p => p.BytesPerEvent));

        Console.WriteLine();
        Console.WriteLine("phase                    events   seconds    events/s  alloc B/event  .NET CPU s  Azurite CPU s  others CPU s  machine busy  steal  GC 0/1/2");
        foreach (var phase in rounds.SelectMany(r => new[] { r.Raw, r.Ingest }).Append(baseline))
            Console.WriteLine($"{phase.Name,-22} {phase.Events,8:N0} {phase.Elapsed.TotalSeconds,9:N2} {phase.EventsPerSecond,11:N0} " +
                $"{phase.BytesPerEvent,14:N0} {phase.ProcessCpu.TotalSeconds,11:N2} {Seconds(phase.AzuriteCpu),14} {Seconds(phase.OthersCpu),13} " +
                $"{Percent(phase.Machine?.Busy),13} {Percent(phase.Machine?.Steal),6}  {phase.Gen0}/{phase.Gen1}/{phase.Gen2}");

        Console.WriteLine();
        Console.WriteLine($"raw upserts (a)          {Median(raws.Select(p => p.EventsPerSecond)):N0} events/s (median of {rounds.Count})");
        Console.WriteLine($"ingestion (b)            {Median(ingests.Select(p => p.EventsPerSecond)):N0} events/s (median of {rounds.Count})");
        Console.WriteLine($"ingestion / raw          {ratio:N2} median; rounds {string.Join(", ", rounds.Select(r => r.Ratio.ToString("N2", CultureInfo.InvariantCulture)))}" +
            $"   (target >= {IngestBenchmark.TargetRatio:N1}: {(ratio >= IngestBenchmark.TargetRatio ? "met" : "NOT met")})");
        Console.WriteLine($"host process B/event     {gross:N0} gross (local host + clients, median) - {baseline.BytesPerEvent:N0} clients alone = {gross - baseline.BytesPerEvent:N0} by the local host (forwarding); the worker allocates in its own process, not counted here");
        Console.WriteLine($"raw phase B/entity       {Median(raws.Select(p => p.BytesPerEvent)):N0} (storage client serialising entities built before timing, and its HTTP)");
        Console.WriteLine($"CPU us/event (median)    (a) .NET {Median(raws.Select(p => Micro(p.ProcessCpu))):N0}, Azurite {Median(raws.Select(p => Micro(p.AzuriteCpu))):N0}; " +
            $"(b) .NET {Median(ingests.Select(p => Micro(p.ProcessCpu))):N0} (worker {Median(ingests.Select(p => Micro(p.WorkerCpu))):N0}, local host and clients " +
            $"{Median(ingests.Select(p => Micro(p.ProcessCpu - p.WorkerCpu))):N0}), Azurite {Median(ingests.Select(p => Micro(p.AzuriteCpu))):N0}; " +
            $"clients alone .NET {Micro(baseline.ProcessCpu):N1}");
        var azuriteRaw = Median(raws.Select(p => Micro(p.AzuriteCpu)));
        var azuriteIngest = Median(ingests.Select(p => Micro(p.AzuriteCpu)));
        Console.WriteLine($"Azurite-bound ratio      {azuriteRaw / azuriteIngest:N2} = Azurite CPU/event (a) / (b): the ratio where Azurite's one node thread " +
            "is the bottleneck; CPU time is less moved than wall time by other load on the machine, but not immune");
        Console.WriteLine($"transactions             (a) {(settings.RawPerBatch ? "grouped per batch as the app does" : $"{StorageAccount.MaxTransactionActions} rows each")}; " +
            $"(b) the app makes {appShape.TransactionsPerBatch:N1} per {settings.BatchSize}-event batch, {appShape.RowsPerTransaction:N1} rows each");
        var latencies = rounds.SelectMany(r => r.Outcome.Latencies).ToArray();
        var all = new PostOutcome([], latencies, null);
        Console.WriteLine($"request latency (b)      p50 {all.Latency(0.5).TotalMilliseconds:N0} ms, p95 {all.Latency(0.95).TotalMilliseconds:N0} ms, " +
            $"max {all.Latency(1).TotalMilliseconds:N0} ms over {latencies.Length} requests");

        foreach (var phase in rounds.SelectMany(r => new[] { r.Raw, r.Ingest }).Append(baseline).Where(p => p.TopAllocations.Count > 0))
        {
            Console.WriteLine($"allocated by type (sampled), {phase.Name}:");
            foreach (var (type, bytes) in phase.TopAllocations) Console.WriteLine($"  {(double)bytes / phase.Events,10:N0} B/event  {type}");
        }

        var ok = true;
        foreach (var round in rounds)
        {
            var rawOk = round.RawRows == round.Raw.Events;
            var rowsOk = round.IngestRows == round.Ingest.Events;
            var answersOk = round.Outcome.NotAccepted == 0;
            ok &= rawOk && rowsOk && answersOk;
            Console.WriteLine($"checks {round.Raw.Name[..1]}                 rows (a) {round.RawRows:N0} of {round.Raw.Events:N0} {Verdict(rawOk)}; " +
                $"RequestEvents (b) {round.IngestRows:N0} of {round.Ingest.Events:N0} {Verdict(rowsOk)}; " +
                $"{round.Outcome.Statuses.Length - round.Outcome.NotAccepted} of {round.Outcome.Statuses.Length} answers 202 {Verdict(answersOk)}" +
                (round.Outcome.FirstFailure is { } failure ? $"; first failure: {failure}" : ""));
        }
        Console.WriteLine(ok ? "all checks passed (warm-up rows excluded from the counts)" : "CHECKS FAILED");
        return ok;

        double Micro(TimeSpan? cpu) => cpu is { } value ? value.TotalMicroseconds / settings.Events : double.NaN;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Seconds(TimeSpan? cpu) => cpu is { } value ? value.TotalSeconds.ToString("N2", CultureInfo.InvariantCulture) : "n/a";
    private static string Percent(double? fraction) => fraction is { } value ? value.ToString("P0", CultureInfo.InvariantCulture) : "n/a";
    private static string Verdict(bool ok) => ok ? "OK" : "MISMATCH";
}
