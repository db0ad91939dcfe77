namespace Metrics.Client;

/// <summary>
/// One request a service handled, as it is buffered and sent. A value type: recording one allocates nothing, and the
/// buffer holds them in one array. Its id is made where the request happened (time-ordered, UUIDv7), so a batch that
/// is sent again is stored once.
/// </summary>
/// <param name="Endpoint">The route template (<c>/orders/{id}</c>), or the raw path when the request matched no route.</param>
/// <param name="HasRoute">Whether <paramref name="Endpoint"/> is a route template (sent as <c>route</c>, taken as it is).</param>
/// <param name="Country">The caller's country from the configured trusted header (<see cref="RequestMetricsOptions.CountryHeader"/>), in capitals.</param>
public readonly record struct RequestMetric(
    Guid Id,
    DateTimeOffset Timestamp,
    string Endpoint,
    bool HasRoute,
    string Method,
    int Status,
    double DurationMs,
    string? UserId = null,
    string? OrgId = null,
    string? Model = null,
    long Units = 0,
    double CpuMs = 0,
    double GpuMs = 0,
    bool Async = false,
    string? Country = null)
{
    /// <summary>A new time-ordered id for an event that happened at <paramref name="at"/>.</summary>
    public static Guid NewId(DateTimeOffset at) => EventIds.NewVersion7(at);
}
