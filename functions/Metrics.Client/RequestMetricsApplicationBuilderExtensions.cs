using Metrics.Client;

// In Microsoft's namespace, as Microsoft's own UseX methods are: app.UseRequestMetrics() needs no using.
namespace Microsoft.AspNetCore.Builder;

public static class RequestMetricsApplicationBuilderExtensions
{
    /// <summary>Records every request that passes here (put it first, so it sees every answer, errors included).</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app) => app.UseMiddleware<RequestMetricsMiddleware>();
}
