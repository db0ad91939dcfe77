using System.Collections.Concurrent;

namespace Metrics.Functions.Operations;

public sealed record TimerRun(DateTimeOffset FinishedAt, TimeSpan Duration, bool Succeeded);

/// <summary>The last run of each timer function this instance ran, for the self-metrics.</summary>
public sealed class TimerRuns
{
    private readonly ConcurrentDictionary<string, TimerRun> _last = new();

    public void Record(string function, TimerRun run) => _last[function] = run;

    public IEnumerable<KeyValuePair<string, TimerRun>> Last() => _last.OrderBy(r => r.Key, StringComparer.Ordinal);
}
