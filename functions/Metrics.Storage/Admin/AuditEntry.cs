namespace Metrics.Storage.Admin;

/// <summary>One admin or finance call: who, what, with which outcome.</summary>
public sealed record AuditEntry(
    string Who, IReadOnlyCollection<string> Roles, string Method, string Path, string Query, int Status,
    DateTimeOffset At, string? Range, string Outcome, string? Org = null);
