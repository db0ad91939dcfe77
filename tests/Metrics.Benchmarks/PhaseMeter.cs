using System.Diagnostics;

namespace Metrics.Benchmarks;

internal sealed class PhaseMeter
{
    private readonly Process? _azurite;
    private readonly Process? _worker;
    private readonly AllocationSampler? _sampler;
    private readonly long _started;
    private readonly long _allocated;
    private readonly int _gen0, _gen1, _gen2;
    private readonly TimeSpan _processCpu;
    private readonly TimeSpan _workerCpu;
    private readonly TimeSpan? _azuriteCpu;
    private readonly MachineCpu.Sample? _machine;

    private PhaseMeter(Process? azurite, AllocationSampler? sampler, Process? worker)
    {
        _azurite = azurite;
        _worker = worker;
        _sampler = sampler;
        sampler?.Start();
        _machine = MachineCpu.Read();
        _azuriteCpu = CpuOf(azurite);
        _workerCpu = CpuOf(worker) ?? TimeSpan.Zero;
        _processCpu = Process.GetCurrentProcess().TotalProcessorTime + _workerCpu;
        (_gen0, _gen1, _gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        _allocated = GC.GetTotalAllocatedBytes(precise: true);
        _started = Stopwatch.GetTimestamp();
    }

    /// <param name="azurite">Azurite's node process, when it could be found, to read its CPU time too.</param>
    /// <param name="sampler">When given, also which types were allocated (in this process).</param>
    /// <param name="worker">The app's worker process, when the phase runs the app: its CPU time counts as .NET's.</param>
    public static PhaseMeter Start(Process? azurite, AllocationSampler? sampler, Process? worker = null) => new(azurite, sampler, worker);

    public PhaseResult Stop(string name, int events)
    {
        var elapsed = Stopwatch.GetElapsedTime(_started);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocated;
        var top = _sampler?.Stop(top: 15) ?? [];
        var gcs = (GC.CollectionCount(0) - _gen0, GC.CollectionCount(1) - _gen1, GC.CollectionCount(2) - _gen2);
        var workerCpu = (CpuOf(_worker) ?? TimeSpan.Zero) - _workerCpu;
        var processCpu = Process.GetCurrentProcess().TotalProcessorTime + workerCpu + _workerCpu - _processCpu;
        var azuriteCpu = CpuOf(_azurite) - _azuriteCpu;
        var machine = _machine is { } before && MachineCpu.Read() is { } after ? MachineCpu.Between(before, after) : (MachineCpu.Usage?)null;
        return new PhaseResult(name, events, elapsed, allocated, gcs.Item1, gcs.Item2, gcs.Item3, processCpu, azuriteCpu, machine, top) { WorkerCpu = workerCpu };
    }

    private static TimeSpan? CpuOf(Process? process)
    {
        if (process is null) return null;
        try
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
