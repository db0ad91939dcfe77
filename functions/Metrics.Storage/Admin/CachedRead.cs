namespace Metrics.Storage.Admin;

/// <summary>
/// A small table read kept for a short while: queries consult the roster and prices on every call, and
/// a change made on another instance may take <paramref name="lifetime"/> to show. A change made through
/// this instance shows at once (<see cref="Invalidate"/>).
/// </summary>
internal sealed class CachedRead<T>(TimeProvider time, TimeSpan lifetime, Func<CancellationToken, Task<T>> load) where T : class
{
    private readonly Lock _gate = new();
    private (T Value, DateTimeOffset LoadedAt, long Version)? _cached;
    private long _version;

    public async Task<T> GetAsync(CancellationToken cancellationToken)
    {
        long version;
        lock (_gate)
        {
            if (_cached is { } cached && cached.Version == _version && time.GetUtcNow() - cached.LoadedAt < lifetime) return cached.Value;
            version = _version;
        }
        var loadedAt = time.GetUtcNow();
        var value = await load(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            // A write that landed while this read was in flight bumped the version: keep its answer fresh instead.
            if (version == _version) _cached = (value, loadedAt, version);
        }
        return value;
    }

    public void Invalidate()
    {
        lock (_gate)
        {
            _version++;
            _cached = null;
        }
    }
}
