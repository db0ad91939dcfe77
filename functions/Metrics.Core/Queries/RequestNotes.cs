using Metrics.Core.Ingestion;

namespace Metrics.Core.Queries;

/// <summary>What an answer's requests source says besides its coverage: what a person should know of its rows, and what to do.</summary>
public static class RequestNotes
{
    /// <summary>How many requests the endpoint limit counted under <see cref="EndpointLimit.Overflow"/>, and what to do.</summary>
    public static string? Overflow(long requests, int maxEndpointsPerService) => requests == 0 ? null :
        $"{requests} requests are counted under the endpoint {EndpointLimit.Overflow}: their service reported more than " +
        $"{maxEndpointsPerService} distinct endpoints in a day (Ingest:MaxEndpointsPerService). Send route templates ('route') " +
        "so that ids in paths do not become endpoints.";

    /// <summary>Kept to an org or model, the requests rolled up before endpoints were kept per org and model (2026-12-06).</summary>
    public static string? Unattributed(long requests) => requests == 0 ? null :
        $"{requests} of these requests are in the summary but not in the endpoint table: they were rolled up before endpoints were kept per org and model.";

    /// <summary>The requests in an endpoint table's <see cref="EndpointLimit.Overflow"/> rows.</summary>
    public static long OverflowOf(IEnumerable<EndpointPerformance> endpoints) =>
        endpoints.Where(e => e.Endpoint == EndpointLimit.Overflow).Sum(e => e.Requests);

    /// <summary>The notes that apply, as one text; null when none does.</summary>
    public static string? Join(params string?[] notes) => string.Join(' ', notes.OfType<string>()) is { Length: > 0 } joined ? joined : null;
}
