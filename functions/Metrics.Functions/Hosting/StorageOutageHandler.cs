using Metrics.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace Metrics.Functions.Hosting;

/// <summary>
/// Storage that cannot be reached is the service's failure, not the client's: 503 with Retry-After, and
/// since nothing was acknowledged the client sends the same batch again (ids make the retry safe).
/// </summary>
internal sealed partial class StorageOutageHandler(ILogger<StorageOutageHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!StorageFault.IsUnavailable(exception)) return false;
        LogStorageUnavailable(logger, context.Request.Path, exception);
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = Problems.Of(StatusCodes.Status503ServiceUnavailable, "storage-unavailable", "Storage is unavailable",
            $"Nothing was stored from this request. Send it again after {RetryAfterSeconds} seconds; event ids make the retry safe.");
        await problem.ExecuteAsync(context).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Storage unavailable while serving {Path}")]
    private static partial void LogStorageUnavailable(ILogger logger, PathString path, Exception exception);
}
