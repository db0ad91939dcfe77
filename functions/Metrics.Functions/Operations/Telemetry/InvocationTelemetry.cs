using System.Diagnostics;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Metrics.Functions.Operations.Telemetry;

/// <summary>
/// Outermost middleware: every invocation is an activity (storage calls made during it become its children), an HTTP
/// function's answer is counted and timed by status class, a timer's run by outcome, and a failed timer run says why in
/// one line (<see cref="TimerFailure"/>). The scrape of the self-metrics is left out, so reading them never moves them.
/// </summary>
internal sealed class InvocationTelemetry(ServiceInstruments instruments, TimeProvider time, ILogger<InvocationTelemetry> logger) : IFunctionsWorkerMiddleware
{
    public const string Unmeasured = "OpsMetrics";

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var function = context.FunctionDefinition.Name;
        if (function == Unmeasured)
        {
            await next(context);
            return;
        }

        var http = context.GetHttpContext();
        using var activity = ServiceInstruments.Source.StartActivity(function, http is null ? ActivityKind.Internal : ActivityKind.Server);
        activity?.SetTag("faas.invocation_id", context.InvocationId);
        activity?.SetTag("faas.trigger", http is null ? "timer" : "http");
        if (http is not null) instruments.RequestStarted(function);
        var started = Stopwatch.GetTimestamp();
        var succeeded = false;
        try
        {
            await next(context);
            succeeded = true;
        }
        catch (Exception e) when (http is null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            TimerFailure.Log(logger, function, e, context.RetryContext, Stopwatch.GetElapsedTime(started));
            throw;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (http is null) instruments.TimerRan(function, succeeded, elapsed, time.GetUtcNow());
            else
            {
                // FailureProblems (inner) turns failures into problems; what still escapes it is answered 500 by the worker.
                var status = succeeded ? StatusOf(context.GetInvocationResult().Value, http) : StatusCodes.Status500InternalServerError;
                instruments.RequestAnswered(function, http.Request.Method, status, elapsed);
                activity?.SetTag("http.request.method", http.Request.Method);
                activity?.SetTag("http.response.status_code", status);
                if (status >= 500) activity?.SetStatus(ActivityStatusCode.Error);
            }
        }
    }

    /// <summary>The status the result will be written with: the worker writes a typed result after the middleware has run.</summary>
    private static int StatusOf(object? result, HttpContext http)
    {
        while (result is INestedHttpResult nested) result = nested.Result;
        return result is IStatusCodeHttpResult { StatusCode: { } status } ? status : http.Response.StatusCode;
    }
}
