namespace Metrics.Rollups.Compaction;

/// <summary>What folding one family's partials of an hour did.</summary>
/// <param name="Folded">Cells of partials packed: what ingestion wrote since the last run.</param>
/// <param name="Remaining">Partials too recent to fold and packed rows not merged yet: the hour's rows are not final.</param>
internal sealed record FoldResult(int Folded, int RowsRead, int Written, int Deleted, int Remaining, bool Merged);
