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
