namespace Metrics.Core.Queries;

public sealed record EventTypeCount(string Type, long Count);
