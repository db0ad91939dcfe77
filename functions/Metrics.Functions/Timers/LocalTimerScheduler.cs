using Metrics.Functions.Hosting;

namespace Metrics.Functions.Timers;

/// <summary>
/// Runs the timer functions on their function.json schedules when no Functions host does it for us
/// (local runs). Under the host it stays idle: the host holds the singleton lease and calls us.
/// </summary>
internal sealed partial class LocalTimerScheduler(
    IEnumerable<ITimerFunction> functions, TimerRunner runner, TimeProvider time, IConfiguration configuration,
    ILogger<LocalTimerScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (FunctionsHost.IsHosted || !configuration.GetValue("Timers:RunLocally", true)) return Task.CompletedTask;
        return Task.WhenAll(functions.Select(function => RunOnScheduleAsync(function, stoppingToken)));
    }

    private async Task RunOnScheduleAsync(ITimerFunction function, CancellationToken stoppingToken)
    {
        var schedule = FunctionJson.TimerSchedule(function.Name);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = new DateTimeOffset(schedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
            LogNextRun(logger, function.Name, next);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
                await runner.RunAsync(function, new TimerInvocation(time.GetUtcNow(), IsPastDue: false), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // As on the host: a failed run is logged, not retried; the next schedule runs as usual.
                LogRunFailed(logger, function.Name, e);
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "{Function} next runs at {Next:O}")]
    private static partial void LogNextRun(ILogger logger, string function, DateTimeOffset next);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "{Function} failed")]
    private static partial void LogRunFailed(ILogger logger, string function, Exception exception);
}
