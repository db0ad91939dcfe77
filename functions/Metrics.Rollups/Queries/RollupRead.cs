using Metrics.Core.Ingestion;
using Metrics.Core.Queries;

namespace Metrics.Rollups.Queries;

/// <summary>What <see cref="RollupQueries"/> read for one kind of event: slices by family, and what it saw of the source's coverage.</summary>
/// <param name="FirstMarkedHour">The first hour of the kind with rollups still being settled (anywhere, not only in the window).</param>
public sealed record RollupRead<TCell>(EventKind Kind, IReadOnlyDictionary<string, List<RollupSlice<TCell>>> Families, DateTimeOffset? FirstMarkedHour)
{
    public List<RollupSlice<TCell>> this[string family] => Families[family];

    /// <summary>This read as an answer's source, found with or without data.</summary>
    public SourceRead Source(bool hasData, string? note = null) => new(Kind, hasData, FirstMarkedHour, note);
}
