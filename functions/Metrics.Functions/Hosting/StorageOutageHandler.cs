using Metrics.Storage;
using Metrics.Storage.Raw;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Hosting;

/// <summary>
/// Storage that cannot be reached is the service's failure, not the client's: 503 with Retry-After, and
/// since nothing was acknowledged the client sends the same batch again (ids make the retry safe). So is a batch
/// whose late events the nightly run began finalising while they were stored (<see cref="FinalisedWhileStoringException"/>).
/// </summary>
internal sealed partial class StorageOutageHandler(ILogger<StorageOutageHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemHttpResult problem;
        if (exception is FinalisedWhileStoringException finalised)
        {
            LogFinalisedWhileStoring(logger, context.Request.Path, finalised.Events, finalised.Boundary);
            problem = Problems.Of(StatusCodes.Status503ServiceUnavailable, "hours-being-finalised", "Hours of this batch were finalised while it was stored",
                $"{finalised.Events} events fall before {finalised.Boundary:O}: the nightly run began finalising those hours while this batch " +
                $"was being stored, and may not count them. Nothing of this batch is acknowledged. Send it again after {RetryAfterSeconds} " +
                "seconds: those events will be rejected with a reason, and event ids make the retry safe for the others.");
        }
        else if (StorageFault.IsUnavailable(exception))
        {
            LogStorageUnavailable(logger, context.Request.Path, exception);
            problem = Problems.Of(StatusCodes.Status503ServiceUnavailable, "storage-unavailable", "Storage is unavailable",
                $"Nothing was stored from this request. Send it again after {RetryAfterSeconds} seconds; event ids make the retry safe.");
        }
        else return false;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await problem.ExecuteAsync(context).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "{Events} events served at {Path} fell before the finalisation boundary {Boundary} once stored")]
    private static partial void LogFinalisedWhileStoring(ILogger logger, PathString path, int events, DateTimeOffset boundary);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Storage unavailable while serving {Path}")]
    private static partial void LogStorageUnavailable(ILogger logger, PathString path, Exception exception);
}
