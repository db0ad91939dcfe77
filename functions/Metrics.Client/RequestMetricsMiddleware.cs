using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Metrics.Client;

/// <summary>
/// Records every request: the matched route template (never the raw path when there is one), method, status, time
/// taken, the user and organisation of an authenticated caller, and what the request set through
/// <see cref="RequestMetricsHttpContextExtensions.RequestMetrics"/>. It allocates nothing of its own per request and
/// hands the record to <see cref="MetricsClient"/>, which sends it later.
/// </summary>
internal sealed class RequestMetricsMiddleware(RequestDelegate next, MetricsClient client, IOptions<RequestMetricsOptions> options, TimeProvider time)
{
    private readonly PathString[] _excluded = options.Value.ExcludedPaths.Select(p => new PathString(p.TrimEnd('/'))).ToArray();
    private readonly string[] _excludedPrefixes = options.Value.ExcludedPrefixes.Where(p => p.Length > 0).ToArray();
    private readonly string _userClaim = options.Value.UserIdClaim;
    private readonly string _orgClaim = options.Value.OrgIdClaim;
    private readonly string? _countryHeader = options.Value.CountryHeader is { Length: > 0 } header ? header : null;

    public async Task InvokeAsync(HttpContext context)
    {
        if (IsExcluded(context.Request.Path))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var at = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            Record(context, at, Stopwatch.GetElapsedTime(started), failed);
        }
    }

    private void Record(HttpContext context, DateTimeOffset at, TimeSpan elapsed, bool failed)
    {
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        // An exception the server has yet to turn into an answer becomes a 500.
        var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
        // Through the feature: HttpContext.User makes an empty principal for a request nobody signed in.
        var user = context.Features.Get<IHttpAuthenticationFeature>()?.User is { Identity.IsAuthenticated: true } principal ? principal : null;
        var own = context.Features.Get<RequestMetricsFeature>();
        client.Record(new RequestMetric(
            RequestMetric.NewId(at), at, route ?? context.Request.Path.Value ?? "/", route is not null, context.Request.Method, status,
            elapsed.TotalMilliseconds, user?.FindFirst(_userClaim)?.Value, user?.FindFirst(_orgClaim)?.Value,
            own?.Model, own?.Units ?? 0, own?.CpuMs ?? 0, own?.GpuMs ?? 0, own?.Async ?? false, Country(context.Request)));
    }

    /// <summary>The country the trusted front end named, in capitals; none without the header or with anything but two letters.</summary>
    private string? Country(HttpRequest request)
    {
        if (_countryHeader is null || request.Headers[_countryHeader] is not [{ } value]) return null;
        var code = value.AsSpan().Trim();
        if (code.Length != 2 || !char.IsAsciiLetter(code[0]) || !char.IsAsciiLetter(code[1])) return null;
        // Already in capitals, as front ends send it: the header's own string, nothing allocated.
        return char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1]) && value.Length == 2 ? value : code.ToString().ToUpperInvariant();
    }

    private bool IsExcluded(PathString path)
    {
        foreach (var excluded in _excluded)
            if (path.StartsWithSegments(excluded)) return true;
        foreach (var prefix in _excludedPrefixes)
            if (path.Value?.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) == true) return true;
        return false;
    }
}
