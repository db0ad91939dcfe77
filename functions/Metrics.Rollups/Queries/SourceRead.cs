using Metrics.Core.Ingestion;

namespace Metrics.Rollups.Queries;

/// <summary>A source an answer read (<see cref="RollupRead{TCell}.Source"/>): whether it found data, and a note for its detail.</summary>
public sealed record SourceRead(EventKind Kind, bool HasData, DateTimeOffset? FirstMarkedHour = null, string? Note = null);
