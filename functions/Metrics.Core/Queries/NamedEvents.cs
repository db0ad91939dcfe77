namespace Metrics.Core.Queries;

/// <summary>A named feature, button or form and how often, and by how many visitors, it was used.</summary>
public sealed record NamedEvents(string Type, string Name, long Events, long Visitors);
