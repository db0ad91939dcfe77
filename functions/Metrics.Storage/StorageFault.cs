using Azure;

namespace Metrics.Storage;

/// <summary>Tells a storage outage (retry later) from a request storage refused (a bug to fix).</summary>
public static class StorageFault
{
    /// <summary>
    /// True when storage could not be reached or was overloaded after the client's own retries:
    /// the caller should answer 503 and let its client retry.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500 || IsUnavailableInner(failed),
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailable),
        HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException => true,
        _ => false,
    };

    private static bool IsUnavailableInner(Exception exception) =>
        exception.InnerException is { } inner && IsUnavailable(inner);
}
