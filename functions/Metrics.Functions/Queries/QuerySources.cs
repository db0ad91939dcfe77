using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Storage.Raw;
using Metrics.Storage.Rollups;

namespace Metrics.Functions.Queries;

/// <summary>
/// Completeness and freshness of the sources a query read. A source is <c>missing</c> when it has no
/// event in the range, <c>partial</c> when its data begins after the range does (it started reporting
/// later, or older data was pruned), else <c>complete</c>. Hours without traffic inside covered time are
/// not gaps: an idle service reports nothing.
/// </summary>
public sealed class QuerySources(RollupStore rollups, DirtyHours dirtyHours, SourceFreshness freshness, TimeProvider time)
{
    /// <param name="notes">What else a person should know of a source's data in this answer, added to its detail.</param>
    public async Task<QueryContext> DescribeAsync(QueryWindow window, IReadOnlyDictionary<string, bool> hasDataByKind, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? notes = null)
    {
        var sources = new List<SourceStatus>();
        foreach (var (kind, hasData) in hasDataByKind)
        {
            var status = hasData
                ? await CoverageAsync(kind, window, cancellationToken)
                : new SourceStatus(kind, "missing", $"No {kind} events between {window.From:O} and {window.To:O}.");
            sources.Add(notes?.TryGetValue(kind, out var note) == true ? status with { Detail = $"{status.Detail} {note}" } : status);
        }

        var now = time.GetUtcNow();
        var lags = await freshness.ReadAsync(cancellationToken);
        var freshnessByKind = new[] { EventKinds.Requests, EventKinds.Usage }.ToDictionary(kind => kind, kind =>
            lags.TryGetValue(kind, out var lag) ? new SourceLag(lag.LastEventAt, (long)Math.Max(0, (now - lag.LastEventAt).TotalSeconds)) : new SourceLag(null, null));
        return new QueryContext(RangeDto.Of(window), sources, freshnessByKind);
    }

    private async Task<SourceStatus> CoverageAsync(string kind, QueryWindow window, CancellationToken cancellationToken)
    {
        var family = kind == EventKinds.Requests ? Families.Service : Families.EventType;
        var firstRollup = await rollups.FirstHourAsync(kind, family, cancellationToken);
        var firstDirty = (await dirtyHours.ListAsync(kind, cancellationToken)).Select(d => (DateTimeOffset?)d.Hour).Min();
        var first = new[] { firstRollup, firstDirty }.Min();
        return first > window.From
            ? new SourceStatus(kind, "partial", $"{kind} data begins at {first:O}; earlier hours of the range have none (the source started later, or its data was pruned).")
            : new SourceStatus(kind, "complete", $"{kind} data covers the whole range.");
    }
}
