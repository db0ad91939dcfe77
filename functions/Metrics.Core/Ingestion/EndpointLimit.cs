namespace Metrics.Core.Ingestion;

/// <summary>
/// The safety net under endpoint templates, as metric systems have one (OpenTelemetry folds series past its cardinality
/// limit into one): a service may report at most so many distinct endpoints a day. An event for an endpoint past the
/// limit is stored and counted all the same, under <see cref="Overflow"/>; nothing is lost, the number of rows stays
/// bounded, and the answers say it happened. Endpoints already known that day are never folded.
/// </summary>
public static class EndpointLimit
{
    public const string Overflow = "{other}";
    public const int DefaultMaxPerServiceDay = 1000;

    /// <param name="known">The endpoints each service-day of the batch has already (read fresh where the batch brings new ones).</param>
    public static LimitedEvents Apply(IReadOnlyList<RequestEvent> events, IReadOnlyDictionary<ServiceDay, IReadOnlySet<string>> known, int max)
    {
        var admitted = new Dictionary<ServiceDay, List<string>>();
        var allowed = new Dictionary<ServiceDay, HashSet<string>>();
        foreach (var group in events.GroupBy(ServiceDay.Of))
        {
            var had = known.TryGetValue(group.Key, out var set) ? set : new HashSet<string>();
            var room = Math.Max(0, max - had.Count);
            // In order of first appearance, so the same batch sent again admits the same endpoints.
            var fresh = group.Select(e => e.Endpoint).Distinct(StringComparer.Ordinal).Where(e => e != Overflow && !had.Contains(e)).ToList();
            admitted[group.Key] = fresh.Take(room).ToList();
            allowed[group.Key] = [.. had, .. admitted[group.Key]];
        }
        var folded = 0;
        var limited = events.Select(e =>
        {
            if (e.Endpoint == Overflow || allowed[ServiceDay.Of(e)].Contains(e.Endpoint)) return e;
            folded++;
            return e with { Endpoint = Overflow };
        }).ToList();
        return new LimitedEvents(limited, admitted.Where(a => a.Value.Count > 0).ToDictionary(a => a.Key, a => (IReadOnlyList<string>)a.Value), folded);
    }

    /// <summary>The service-days of a batch whose endpoints are not all in <paramref name="known"/>: only those need a fresh read.</summary>
    public static IReadOnlyList<ServiceDay> Unknown(IReadOnlyList<RequestEvent> events, IReadOnlyDictionary<ServiceDay, IReadOnlySet<string>> known) =>
        events.Where(e => e.Endpoint != Overflow && !(known.TryGetValue(ServiceDay.Of(e), out var set) && set.Contains(e.Endpoint)))
            .Select(ServiceDay.Of).Distinct().ToList();
}
