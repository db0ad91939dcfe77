namespace Metrics.Functions.Exports;

/// <summary>The answer to <c>GET /api/exports</c>: newest first, without links (ask for one export to get its link).</summary>
public sealed record ExportList(IReadOnlyList<ExportDetails> Exports);
