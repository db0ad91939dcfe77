using System.IO.MemoryMappedFiles;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Tests.Shared;

/// <summary>
/// A test's clock that the app's worker, in a process of its own, reads too: the current time is written to an
/// 8-byte file mapped into memory, which the worker maps read-only (its <c>Testing:ClockFile</c> setting). In this
/// process it is a <see cref="FakeTimeProvider"/>: timers fire when the test moves time, never by themselves.
/// </summary>
public sealed class SharedClock : TimeProvider, IDisposable
{
    private readonly FakeTimeProvider _time;
    private readonly FileStream _stream;
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _ticks;

    public SharedClock(DateTimeOffset start)
    {
        Path = global::System.IO.Path.Combine(global::System.IO.Path.GetTempPath(), $"metrics-clock-{Guid.NewGuid():N}");
        // Deleted when this clock is: the worker, which maps it by path, has done so long before.
        _stream = new FileStream(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.DeleteOnClose);
        _stream.SetLength(sizeof(long));
        _file = MemoryMappedFile.CreateFromFile(_stream, null, sizeof(long), MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
        _ticks = _file.CreateViewAccessor(0, sizeof(long));
        _time = new FakeTimeProvider(start);
        Publish();
    }

    /// <summary>The file the worker reads the time from.</summary>
    public string Path { get; }

    public override DateTimeOffset GetUtcNow() => _time.GetUtcNow();

    public override long GetTimestamp() => _time.GetTimestamp();

    public override long TimestampFrequency => _time.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _time.CreateTimer(callback, state, dueTime, period);

    public void SetUtcNow(DateTimeOffset value)
    {
        _time.SetUtcNow(value);
        Publish();
    }

    public void Advance(TimeSpan delta)
    {
        _time.Advance(delta);
        Publish();
    }

    public void Dispose()
    {
        _ticks.Dispose();
        _file.Dispose();
        _stream.Dispose();
    }

    /// <summary>One aligned 8-byte write, which the worker's aligned read sees whole.</summary>
    private void Publish() => _ticks.Write(0, _time.GetUtcNow().UtcTicks);
}
