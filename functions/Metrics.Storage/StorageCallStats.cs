using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Metrics.Storage;

/// <summary>
/// Counts and times every storage call (each HTTP request, retries included) by service, for the
/// self-metrics and for benchmarks that compare how many requests a query needs.
/// </summary>
public sealed class StorageCallStats
{
    /// <summary>Upper bounds, in seconds, of the latency histogram's buckets.</summary>
    public static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal) { ["table"] = new(), ["blob"] = new() };

    public long Requests(string service) => Interlocked.Read(ref _series[service].Count);

    public long TotalRequests => _series.Values.Sum(s => Interlocked.Read(ref s.Count));

    public IEnumerable<(string Service, long Count, long Failures, double SumSeconds, long[] BucketCounts)> Snapshot() =>
        _series.Select(s => (s.Key, Interlocked.Read(ref s.Value.Count), Interlocked.Read(ref s.Value.Failures),
            s.Value.SumMicros / 1e6, s.Value.BucketCounts.Select(c => Interlocked.Read(ref c)).ToArray()));

    internal HttpPipelinePolicy PolicyFor(string service) => new Observer(_series[service]);

    private sealed class Series
    {
        public long Count;
        public long Failures;
        public long SumMicros;
        public readonly long[] BucketCounts = new long[Buckets.Length];

        public void Observe(TimeSpan elapsed, bool failed)
        {
            Interlocked.Increment(ref Count);
            if (failed) Interlocked.Increment(ref Failures);
            Interlocked.Add(ref SumMicros, (long)(elapsed.TotalMilliseconds * 1000));
            var bucket = Array.FindIndex(Buckets, bound => elapsed.TotalSeconds <= bound);
            if (bucket >= 0) Interlocked.Increment(ref BucketCounts[bucket]);
        }
    }

    private sealed class Observer(Series series) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                ProcessNext(message, pipeline);
            }
            finally
            {
                series.Observe(Stopwatch.GetElapsedTime(started), Failed(message));
            }
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            finally
            {
                series.Observe(Stopwatch.GetElapsedTime(started), Failed(message));
            }
        }

        private static bool Failed(HttpMessage message) => !message.HasResponse || message.Response.Status >= 500;
    }
}
