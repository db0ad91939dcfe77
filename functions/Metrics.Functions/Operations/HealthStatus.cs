namespace Metrics.Functions.Operations;

/// <summary>Whether storage answers.</summary>
public sealed record HealthStatus(string Status, string Storage);
