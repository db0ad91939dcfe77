namespace Metrics.Core.Queries;

public sealed record EndpointPerformance(string Service, string Endpoint, string Method, long Requests, double AvgMs,
    double P50Ms, double P95Ms, double P99Ms, double ErrorRate, double ServerErrorRate);
