namespace Metrics.Storage;

/// <summary>
/// How many HTTP requests (retries included) this account's clients made, by service: tests and benchmarks compare how
/// many requests a query or a fold needs. Operators get the same requests, timed, from <see cref="StorageTelemetry"/>.
/// </summary>
public sealed class StorageCallStats
{
    private long _table;
    private long _blob;

    public long Requests(string service) => service == "table" ? Interlocked.Read(ref _table) : Interlocked.Read(ref _blob);

    public long TotalRequests => Interlocked.Read(ref _table) + Interlocked.Read(ref _blob);

    internal void Count(string service)
    {
        if (service == "table") Interlocked.Increment(ref _table);
        else Interlocked.Increment(ref _blob);
    }
}
