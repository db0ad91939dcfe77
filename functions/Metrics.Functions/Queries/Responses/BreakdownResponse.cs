using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

public sealed record BreakdownResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    string By, IReadOnlyList<BreakdownRow> Rows, BreakdownRow Totals);
