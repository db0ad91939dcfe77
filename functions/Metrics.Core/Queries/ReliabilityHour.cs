namespace Metrics.Core.Queries;

public sealed record ReliabilityHour(DateTimeOffset At, long Requests, double ErrorRate, double P95Ms, double P99Ms, bool Spike);
