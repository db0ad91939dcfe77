namespace Metrics.Functions.Operations;

/// <summary>What the operations functions report: per-function latency and the timers' last runs.</summary>
public static class OperationsServices
{
    public static IServiceCollection AddOperations(this IServiceCollection services) =>
        services.AddSingleton<FunctionLatency>().AddSingleton<TimerRuns>();
}
