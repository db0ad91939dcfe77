namespace Metrics.Core.Ingestion;

/// <summary>How a service invoked the work it reports: answered in the request, or queued.</summary>
public enum Invocation { Sync, Async }
