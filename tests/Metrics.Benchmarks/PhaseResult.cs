namespace Metrics.Benchmarks;

/// <summary>
/// One timed phase: wall time, bytes allocated in this process (every thread), garbage collections, CPU
/// time of .NET (this process and the app's worker process) and of Azurite, and how busy the whole machine was.
/// </summary>
internal sealed record PhaseResult(
    string Name, int Events, TimeSpan Elapsed, long AllocatedBytes, int Gen0, int Gen1, int Gen2,
    TimeSpan ProcessCpu, TimeSpan? AzuriteCpu, MachineCpu.Usage? Machine, IReadOnlyList<(string Type, long Bytes)> TopAllocations)
{
    /// <summary>Of <see cref="ProcessCpu"/>, what the app's worker process took (the rest is this process: local host and clients).</summary>
    public TimeSpan WorkerCpu { get; init; }

    public double EventsPerSecond => Events / Elapsed.TotalSeconds;
    public double BytesPerEvent => (double)AllocatedBytes / Events;

    /// <summary>CPU time other processes on the machine took meanwhile (a shared machine's noise), if known.</summary>
    public TimeSpan? OthersCpu => Machine is { } machine && AzuriteCpu is { } azurite
        ? TimeSpan.FromSeconds(Math.Max(0, machine.Busy * Environment.ProcessorCount * Elapsed.TotalSeconds - ProcessCpu.TotalSeconds - azurite.TotalSeconds))
        : null;
}
