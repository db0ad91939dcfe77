namespace Metrics.Core.Ingestion;

/// <summary>An event of a batch that was not accepted: its position in the batch, why as a code, and why in words.</summary>
public sealed record Rejection(int Index, RejectionCode Code, string Reason);
