using Metrics.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Metrics.Functions.Hosting;

/// <summary>
/// An HTTP function that fails answers with a problem, never an empty 500. Storage that cannot be reached is the
/// service's failure, not the client's: 503 with Retry-After, and since nothing was acknowledged the client sends the
/// same batch again (event ids make the retry safe). Anything else is a 500 that says where to look. Timer functions are left to fail: the host records a failed run.
/// </summary>
internal sealed partial class FailureProblems(ILogger<FailureProblems> logger) : IFunctionsWorkerMiddleware
{
    public const int RetryAfterSeconds = 5;

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }
        try
        {
            await next(context);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            context.GetInvocationResult().Value = Answer(context, http, exception);
        }
    }

    private ProblemHttpResult Answer(FunctionContext context, HttpContext http, Exception exception)
    {
        var path = http.Request.Path;
        if (StorageFault.IsUnavailable(exception))
        {
            LogStorageUnavailable(logger, path, exception);
            return Problems.RetryLater(http.Response, RetryAfterSeconds, "storage-unavailable", "Storage is unavailable",
                $"Nothing was stored from this request. Send it again after {RetryAfterSeconds} seconds; event ids make the retry safe.");
        }
        LogFailed(logger, context.FunctionDefinition.Name, context.InvocationId, exception);
        return Problems.Of(StatusCodes.Status500InternalServerError, "internal-error", "The function failed",
            $"{context.FunctionDefinition.Name} failed on its own fault, not the request's; it is logged with invocation id {context.InvocationId}.",
            new Dictionary<string, object?> { ["invocationId"] = context.InvocationId });
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Storage unavailable while serving {Path}")]
    private static partial void LogStorageUnavailable(ILogger logger, PathString path, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "{Function} invocation {InvocationId} failed")]
    private static partial void LogFailed(ILogger logger, string function, string invocationId, Exception exception);
}
