using System.Text.Json;

namespace Metrics.Core.Ingestion;

/// <summary>
/// The events of one batch, sorted into accepted, duplicates (an id already seen earlier in the batch)
/// and rejected with a reason. Nothing is dropped silently.
/// </summary>
public sealed record IngestBatch<T>(IReadOnlyList<T> Accepted, int Duplicates, IReadOnlyList<Rejection> Rejected)
    where T : class, IIngestedEvent
{
    public static IngestBatch<T> Read(JsonElement events, Func<JsonElement, EventRead<T>> read) => Read(events.EnumerateArray(), read);

    /// <summary>Events of any form (JSON elements, OTLP spans), each read by <paramref name="read"/>, in order.</summary>
    public static IngestBatch<T> Read<TItem>(IEnumerable<TItem> events, Func<TItem, EventRead<T>> read)
    {
        var accepted = new List<T>();
        var rejected = new List<Rejection>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = 0;
        var index = 0;
        foreach (var element in events)
        {
            var result = read(element);
            if (result.Event is { } accept)
            {
                if (seen.Add(accept.Id)) accepted.Add(accept);
                else duplicates++;
            }
            else rejected.Add(new Rejection(index, result.Code, result.Reason!));
            index++;
        }
        return new IngestBatch<T>(accepted, duplicates, rejected);
    }
}
