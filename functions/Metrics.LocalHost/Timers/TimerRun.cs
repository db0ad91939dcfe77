using System.Text.Json;

namespace Metrics.LocalHost.Timers;

/// <summary>How one run of a timer function went: its return value and what it logged, or why it failed.</summary>
public sealed record TimerRun(string Function, string InvocationId, bool Succeeded, bool IsPastDue, double DurationMs,
    JsonElement? ReturnValue, IReadOnlyList<string> Logs, string? Error);
