using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Metrics.Benchmarks;

/// <summary>
/// Which types a phase allocates, from the runtime's own allocation sampling (an event about every
/// 100 KB allocated, naming the type that crossed the mark). Costs some speed, so only on request.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private volatile bool _sampling;

    public void Start()
    {
        _bytesByType.Clear();
        _sampling = true;
    }

    /// <summary>The types that took the most bytes since <see cref="Start"/>, largest first.</summary>
    public IReadOnlyList<(string Type, long Bytes)> Stop(int top)
    {
        _sampling = false;
        return _bytesByType.OrderByDescending(t => t.Value).Take(top).Select(t => (t.Key, t.Value)).ToList();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource) EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_sampling || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is null) return;
        var type = eventData.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload![t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload![a], System.Globalization.CultureInfo.InvariantCulture) : 0;
        _bytesByType.AddOrUpdate(type, amount, (_, total) => total + amount);
    }
}
