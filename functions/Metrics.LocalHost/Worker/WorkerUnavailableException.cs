namespace Metrics.LocalHost.Worker;

/// <summary>The worker is gone or never connected: nothing can be invoked.</summary>
public sealed class WorkerUnavailableException(string message) : Exception(message);
