namespace Metrics.Functions.Exports;

/// <summary>The answer to <c>POST /api/exports</c>: where to poll.</summary>
public sealed record ExportAccepted(string Id, string Status);
