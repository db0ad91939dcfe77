using Metrics.Functions.Hosting;

namespace Metrics.Functions.Ingest;

/// <summary>
/// The browser's address, used only for rate limiting and the salted visitor hash, never stored.
/// Behind the Functions host every request comes from the host on loopback, and the platform's front
/// end puts the real address first in X-Forwarded-For; run standalone, that header is anyone's to forge.
/// </summary>
internal static class ClientAddress
{
    public static string Of(HttpContext context)
    {
        if (FunctionsHost.IsHosted && context.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
            return forwarded.Split(',')[0].Trim();
        return context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
