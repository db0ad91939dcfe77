using System.Collections.Concurrent;
using Metrics.Core.Ingestion;

namespace Metrics.Functions.Ingest;

/// <summary>
/// Running totals of what ingestion did, for <c>/api/ops/metrics</c>. Rejections are counted by the
/// field their reason names (the reason's first word), which keeps the label set small.
/// </summary>
public sealed class IngestCounters
{
    private readonly ConcurrentDictionary<(string Kind, string Outcome, string Reason), long> _counts = new();

    public void Count<T>(string kind, IngestBatch<T> batch) where T : class, IIngestedEvent
    {
        Add(kind, "accepted", "", batch.Accepted.Count);
        Add(kind, "duplicate", "", batch.Duplicates);
        foreach (var rejection in batch.Rejected) Add(kind, "rejected", rejection.Reason.Split(' ', 2)[0], 1);
    }

    public void CountBots(int events) => Add(EventKinds.Usage, "bot", "", events);

    /// <summary>Accepted request events counted under <c>{other}</c>: their service was past its endpoints for the day.</summary>
    public void CountOverflow(int events) => Add(EventKinds.Requests, "endpoint_overflow", "", events);

    public IReadOnlyList<KeyValuePair<(string Kind, string Outcome, string Reason), long>> Snapshot() =>
        _counts.OrderBy(c => c.Key).ToList();

    private void Add(string kind, string outcome, string reason, long count)
    {
        if (count > 0) _counts.AddOrUpdate((kind, outcome, reason), count, (_, total) => total + count);
    }
}
