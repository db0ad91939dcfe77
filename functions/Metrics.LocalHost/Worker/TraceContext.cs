using System.Diagnostics;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Metrics.LocalHost.Worker;

/// <summary>
/// The W3C trace context an invocation carries (the worker requires one): the current activity's, so a call can be
/// followed from the host into the worker, or a new trace when nothing is being traced.
/// </summary>
internal static class TraceContext
{
    public static RpcTraceContext Current()
    {
        var activity = Activity.Current;
        var traceParent = activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id!
            : $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00";
        return new RpcTraceContext { TraceParent = traceParent, TraceState = activity?.TraceStateString ?? "" };
    }
}
