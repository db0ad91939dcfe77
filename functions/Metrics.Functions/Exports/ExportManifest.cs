namespace Metrics.Functions.Exports;

/// <summary>What a finished run produced: the CSV's row count and hash, and when it was done.</summary>
public sealed record ExportManifest(long Rows, string Sha256, DateTimeOffset CompletedAt);
