namespace Metrics.Functions.Admin;

public sealed record RosterMembers(IReadOnlyList<string> Members);
