using Microsoft.AspNetCore.Http;

namespace Metrics.Client;

/// <summary>
/// What a request tells about itself beyond what the middleware sees: the model it used, its cost units, CPU and GPU
/// time, and whether its work was queued. Set from anywhere in the request: <c>HttpContext.RequestMetrics().Units = 1532</c>.
/// </summary>
public sealed class RequestMetricsFeature
{
    public string? Model { get; set; }
    public long Units { get; set; }
    public double CpuMs { get; set; }
    public double GpuMs { get; set; }

    /// <summary>The request only queued its work (answered 202, say): <c>invocation</c> "async".</summary>
    public bool Async { get; set; }
}

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
