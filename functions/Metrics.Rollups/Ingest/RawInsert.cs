namespace Metrics.Rollups.Ingest;

/// <summary>What inserting a batch's raw rows did: the rows it inserted, and for the others (stored already) the write that stored them.</summary>
public sealed record RawInsert(IReadOnlyCollection<int> Inserted, IReadOnlyDictionary<int, FirstWrite> StoredBefore);
