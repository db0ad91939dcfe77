using Metrics.LocalHost.Settings;
using Metrics.LocalHost.Worker;
using NCrontab;

namespace Metrics.LocalHost.Timers;

/// <summary>
/// Runs each timer function on its schedule, one run at a time per function, as the host does on its one instance
/// that holds the timer's lease. A function disabled with <c>AzureWebJobs.{Name}.Disabled</c> is not triggered (it
/// can still be run by hand). A failed run is logged, not retried; the next occurrence runs as usual.
/// </summary>
internal sealed partial class TimerSchedules(AppWorker worker, TimerInvoker invoker, AppSettings settings, TimeProvider time,
    ILogger<TimerSchedules> logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    public void Start()
    {
        var scheduled = worker.Functions.Where(f => f.Timer is not null && !settings.IsDisabled(f.Name)).ToList();
        foreach (var disabled in worker.Functions.Where(f => f.Timer is not null && settings.IsDisabled(f.Name))) LogDisabled(logger, disabled.Name);
        _running = Task.WhenAll(scheduled.Select(function => RunOnScheduleAsync(function, _stopping.Token)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _running;
        _stopping.Dispose();
    }

    private async Task RunOnScheduleAsync(WorkerFunction function, CancellationToken stopping)
    {
        var schedule = Parse(function.Timer!.Schedule);
        DateTimeOffset? last = null;
        while (!stopping.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = new DateTimeOffset(schedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
            try
            {
                await Task.Delay(next - now, time, stopping);
                var following = new DateTimeOffset(schedule.GetNextOccurrence(next.UtcDateTime), TimeSpan.Zero);
                var run = await invoker.RunAsync(function, isPastDue: time.GetUtcNow() - next > TimeSpan.FromMinutes(1), last, following, stopping);
                if (run.Succeeded) LogRan(logger, function.Name, run.DurationMs);
                else LogRunFailed(logger, function.Name, run.Error);
                last = next;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is WorkerUnavailableException)
            {
                LogRunFailed(logger, function.Name, e.Message);
            }
        }
    }

    /// <summary>Six fields (with seconds) as Functions writes them, or the classic five.</summary>
    private static CrontabSchedule Parse(string expression) => CrontabSchedule.Parse(expression,
        new CrontabSchedule.ParseOptions { IncludingSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "{Function} is disabled: it runs only when asked (POST /admin/functions/{Function})")]
    private static partial void LogDisabled(ILogger logger, string function);

    [LoggerMessage(EventId = 602, Level = LogLevel.Debug, Message = "{Function} ran on schedule in {ElapsedMs:F0} ms")]
    private static partial void LogRan(ILogger logger, string function, double elapsedMs);

    [LoggerMessage(EventId = 603, Level = LogLevel.Error, Message = "{Function} failed on schedule: {Error}")]
    private static partial void LogRunFailed(ILogger logger, string function, string? error);
}
