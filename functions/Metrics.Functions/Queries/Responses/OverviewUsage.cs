using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

/// <summary>The overview's usage tables, as <c>usage</c> answers them.</summary>
public sealed record OverviewUsage(UsageSummary Summary, IReadOnlyList<EventTypeCount> EventTypes, IReadOnlyList<PageViews> Pages, IReadOnlyList<NamedEvents> Names);
