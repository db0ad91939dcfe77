namespace Metrics.Functions.Admin;

/// <summary>An entry of an uploaded list that cannot be stored, and where it was (<c>line 3</c>, <c>item 2</c>).</summary>
public sealed record RejectedEntry(string At, string Value, string Reason);
