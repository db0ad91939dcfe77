using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

public sealed record UsageResponse(RangeDto Range, IReadOnlyList<SourceStatus> Sources, IReadOnlyDictionary<string, SourceLag> Freshness,
    UsageSummary Summary, IReadOnlyList<EventTypeCount> EventTypes, IReadOnlyList<PageViews> Pages, IReadOnlyList<NamedEvents> Names,
    IReadOnlyList<CountryUsage> Countries);
