using Azure;
using Metrics.Core.Ingestion;

namespace Metrics.Rollups.Compaction;

/// <summary>
/// An hour of one kind whose stored rollups are not final; the ETag proves nobody wrote since it was read.
/// <see cref="Raw"/>: its raw rows changed in a way partials cannot say (an event sent again), so it is recomputed from
/// them; <see cref="At"/> is when that was marked. Otherwise the hour has had partials since its day rows were merged;
/// <see cref="Folded"/>: all of them are folded into its hour rows (the day rows are merged once the day is over).
/// </summary>
public sealed record DirtyHour(EventKind Kind, DateTimeOffset Hour, ETag ETag, bool Raw = false, DateTimeOffset At = default, bool Folded = false);
