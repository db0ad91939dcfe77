namespace Metrics.Functions.Timers;

/// <summary>One run of a timer function: when it was due, and whether it ran late (after downtime).</summary>
public sealed record TimerInvocation(DateTimeOffset StartedAt, bool IsPastDue);

/// <summary>What a run did: a summary returned as the invocation's ReturnValue, and its log lines.</summary>
public sealed record TimerResult(object Summary, IReadOnlyList<string> Logs);

/// <summary>
/// A timer-triggered function. Its name is its folder and route (<c>POST /{Name}</c>); its schedule lives
/// only in <c>{Name}/function.json</c>, read by the host in Azure and by the local scheduler here.
/// </summary>
public interface ITimerFunction
{
    string Name { get; }

    Task<TimerResult> RunAsync(TimerInvocation invocation, CancellationToken cancellationToken);
}
