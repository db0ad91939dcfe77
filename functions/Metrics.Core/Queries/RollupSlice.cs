using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary>A rollup cell of one time bucket (an hour or a day starting at <see cref="Start"/>) and one key.</summary>
public sealed record RollupSlice<TCell>(DateTimeOffset Start, RollupKey Key, TCell Cell);
