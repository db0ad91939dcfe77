using System.IO.MemoryMappedFiles;

namespace Metrics.Functions.Hosting;

/// <summary>
/// A clock that reads the time from an 8-byte file (UTC ticks) mapped into memory, which a test in another process
/// sets and moves; timers and delays still run on real time. Only used in the <c>Testing</c> environment, with
/// <c>Testing:ClockFile</c> set: the worker runs as its own process in tests, as it does under the Functions host.
/// </summary>
internal sealed class ClockFile : TimeProvider, IDisposable
{
    public const string Environment = "Testing";
    public const string Setting = "Testing:ClockFile";

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _ticks;

    public ClockFile(string path)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _ticks = _file.CreateViewAccessor(0, sizeof(long), MemoryMappedFileAccess.Read);
    }

    /// <summary>One aligned 8-byte read: the writer's aligned 8-byte write is seen whole or not at all.</summary>
    public override DateTimeOffset GetUtcNow() => new(_ticks.ReadInt64(0), TimeSpan.Zero);

    public void Dispose()
    {
        _ticks.Dispose();
        _file.Dispose();
    }
}
