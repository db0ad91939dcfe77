using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Metrics.LocalHost.Worker;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Metrics.LocalHost.Timers;

/// <summary>
/// Invokes a timer function as the Functions host does: the trigger's input is the <c>TimerInfo</c> JSON (its
/// schedule status and whether the run is late), and the result comes back over the stream.
/// </summary>
internal sealed class TimerInvoker(AppWorker worker, TimeProvider time)
{
    private static readonly JsonSerializerOptions TimerInfoJson = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public async Task<TimerRun> RunAsync(WorkerFunction function, bool isPastDue, DateTimeOffset? last, DateTimeOffset? next, CancellationToken cancellationToken)
    {
        var invocationId = Guid.NewGuid().ToString();
        var timerInfo = new TimerInfoPayload(new SchedulePayload(true),
            next is null ? null : new ScheduleStatusPayload(last ?? DateTimeOffset.MinValue, next.Value, time.GetUtcNow()), isPastDue);
        var invocation = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.Id,
            TraceContext = TraceContext.Current(),
            InputData = { new ParameterBinding { Name = function.TriggerBinding, Data = new TypedData { Json = JsonSerializer.Serialize(timerInfo, TimerInfoJson) } } },
        };
        using var logs = worker.CollectLogs(invocationId);
        var started = Stopwatch.GetTimestamp();
        var response = await worker.InvokeAsync(invocation, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var succeeded = response.Result.Status == StatusResult.Types.Status.Success;
        return new TimerRun(function.Name, invocationId, succeeded, isPastDue, elapsed, ReturnValue(response.ReturnValue), logs.Messages,
            succeeded ? null : response.Result.Exception?.Message ?? response.Result.Status.ToString());
    }

    private static JsonElement? ReturnValue(TypedData? value) => value?.DataCase switch
    {
        TypedData.DataOneofCase.Json => JsonDocument.Parse(value.Json).RootElement.Clone(),
        TypedData.DataOneofCase.String => JsonSerializer.SerializeToElement(value.String),
        TypedData.DataOneofCase.Int => JsonSerializer.SerializeToElement(value.Int),
        TypedData.DataOneofCase.Double => JsonSerializer.SerializeToElement(value.Double),
        _ => null,
    };

    private sealed record TimerInfoPayload(SchedulePayload Schedule, ScheduleStatusPayload? ScheduleStatus, bool IsPastDue);

    private sealed record SchedulePayload(bool AdjustForDST);

    private sealed record ScheduleStatusPayload(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);
}
