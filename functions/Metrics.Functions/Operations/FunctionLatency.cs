using System.Collections.Concurrent;
using System.Diagnostics;
using Metrics.Storage;

namespace Metrics.Functions.Operations;

/// <summary>How long each HTTP function takes to answer, as a histogram per function.</summary>
public sealed class FunctionLatency
{
    private readonly ConcurrentDictionary<string, (long[] Buckets, long[] CountAndMicros)> _byFunction = new();

    public void Observe(string function, TimeSpan elapsed)
    {
        var (buckets, totals) = _byFunction.GetOrAdd(function, _ => (new long[StorageCallStats.Buckets.Length], new long[2]));
        var bucket = Array.FindIndex(StorageCallStats.Buckets, bound => elapsed.TotalSeconds <= bound);
        if (bucket >= 0) Interlocked.Increment(ref buckets[bucket]);
        Interlocked.Increment(ref totals[0]);
        Interlocked.Add(ref totals[1], (long)(elapsed.TotalMilliseconds * 1000));
    }

    public IEnumerable<(string Function, long Count, double SumSeconds, long[] BucketCounts)> Snapshot() =>
        _byFunction.OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => (f.Key, Interlocked.Read(ref f.Value.CountAndMicros[0]), Interlocked.Read(ref f.Value.CountAndMicros[1]) / 1e6,
                f.Value.Buckets.Select(b => Interlocked.Read(ref b)).ToArray()));
}
