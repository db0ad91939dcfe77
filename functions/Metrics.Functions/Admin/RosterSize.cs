namespace Metrics.Functions.Admin;

public sealed record RosterSize(int Members);
