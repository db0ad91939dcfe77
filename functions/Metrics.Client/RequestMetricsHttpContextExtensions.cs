using Metrics.Client;

// Beside HttpContext, as Microsoft's own HttpContext extensions are: HttpContext.RequestMetrics() needs no using.
namespace Microsoft.AspNetCore.Http;

public static class RequestMetricsHttpContextExtensions
{
    /// <summary>The request's own metrics, made on first use: a request that sets none allocates nothing for them.</summary>
    public static RequestMetricsFeature RequestMetrics(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<RequestMetricsFeature>() is { } feature) return feature;
        feature = new RequestMetricsFeature();
        context.Features.Set(feature);
        return feature;
    }
}
