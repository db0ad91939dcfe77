using Metrics.Core.Ingestion;
using Microsoft.Extensions.Options;

namespace Metrics.Rollups.Ingest;

/// <summary>
/// Holds each service to <see cref="EndpointLimitOptions.MaxEndpointsPerService"/> distinct endpoints a day
/// (<see cref="EndpointLimit"/>): a batch of known endpoints is checked in memory; one with new endpoints reads its days
/// from storage first, since other instances admit endpoints too, and records what it admits before its events are stored.
/// </summary>
public sealed class EndpointLimiter(EndpointCatalog catalog, IOptions<EndpointLimitOptions> options)
{
    public async Task<LimitedEvents> LimitAsync(IReadOnlyList<RequestEvent> events, CancellationToken cancellationToken)
    {
        var known = catalog.Cached(events.Select(ServiceDay.Of));
        if (EndpointLimit.Unknown(events, known) is { Count: > 0 } unknown)
        {
            var fresh = await catalog.ReadAsync(unknown, cancellationToken).ConfigureAwait(false);
            known = known.ToDictionary(day => day.Key, day => fresh.TryGetValue(day.Key, out var read) ? read : day.Value);
        }
        var limited = EndpointLimit.Apply(events, known, options.Value.MaxEndpointsPerService);
        await catalog.AddAsync(limited.Admitted, cancellationToken).ConfigureAwait(false);
        return limited;
    }
}
