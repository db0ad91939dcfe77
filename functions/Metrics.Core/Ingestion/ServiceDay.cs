namespace Metrics.Core.Ingestion;

/// <summary>One service's day, the unit the endpoint limit counts in.</summary>
public readonly record struct ServiceDay(string Service, DateOnly Day)
{
    public static ServiceDay Of(RequestEvent e) => new(e.Service, DateOnly.FromDateTime(e.Timestamp.UtcDateTime));
}
