namespace Metrics.LocalHost.Worker;

/// <summary>An HTTP trigger: its route template (below the host's route prefix) and the methods it accepts.</summary>
public sealed record HttpTrigger(string Route, IReadOnlyList<string> Methods);
