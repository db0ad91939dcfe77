namespace Metrics.Functions.Operations.Telemetry;

/// <summary>
/// Reads the state gauges' values once a minute where an exporter pushes them (Azure Monitor); nobody scrapes there.
/// </summary>
internal sealed class OperationalStateRefresh(OperationalState state, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            await state.RefreshAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
