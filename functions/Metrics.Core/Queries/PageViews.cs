namespace Metrics.Core.Queries;

public sealed record PageViews(string Page, long Views, long Visitors);
