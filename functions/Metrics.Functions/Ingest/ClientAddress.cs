namespace Metrics.Functions.Ingest;

/// <summary>
/// The browser's address, used only for rate limiting and the salted visitor hash, never stored. The host tells the
/// worker who called through <c>X-Forwarded-For</c>, which the worker's ASP.NET Core pipeline turns into the
/// connection's remote address; an address the platform's front end put before it stays first in the header.
/// </summary>
internal static class ClientAddress
{
    public static string Of(HttpContext context)
    {
        if (context.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
            return forwarded.Split(',')[0].Trim();
        return context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
