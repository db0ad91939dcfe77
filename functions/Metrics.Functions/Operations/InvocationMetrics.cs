using System.Diagnostics;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Metrics.Functions.Operations;

/// <summary>
/// Measures every invocation for <c>/api/ops/metrics</c>: an HTTP function's time to answer into its latency
/// histogram, a timer function's run as its last run (when, how long, whether it succeeded).
/// </summary>
internal sealed class InvocationMetrics(FunctionLatency latency, TimerRuns timers, TimeProvider time) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        var succeeded = false;
        try
        {
            await next(context);
            succeeded = true;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (context.GetHttpContext() is not null) latency.Observe(context.FunctionDefinition.Name, elapsed);
            else timers.Record(context.FunctionDefinition.Name, new TimerRun(time.GetUtcNow(), elapsed, succeeded));
        }
    }
}
