using Yarp.ReverseProxy.Forwarder;

namespace Metrics.LocalHost.Http;

/// <summary>
/// What the forwarded request carries besides the caller's own: the invocation it belongs to (the worker pairs the
/// two by it), and who called, as Azure's front end tells an app through <c>X-Forwarded-*</c>.
/// </summary>
internal sealed class InvocationTransformer(string invocationId) : HttpTransformer
{
    public const string InvocationHeader = "x-ms-invocation-id";

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix,
        CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var headers = proxyRequest.Headers;
        headers.TryAddWithoutValidation(InvocationHeader, invocationId);
        var forwardedFor = string.Join(", ", new[] { httpContext.Request.Headers["X-Forwarded-For"].ToString(), httpContext.Connection.RemoteIpAddress?.ToString() }
            .Where(part => !string.IsNullOrEmpty(part)));
        headers.Remove("X-Forwarded-For");
        headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        headers.Remove("X-Forwarded-Proto");
        headers.TryAddWithoutValidation("X-Forwarded-Proto", httpContext.Request.Scheme);
        headers.Remove("X-Forwarded-Host");
        headers.TryAddWithoutValidation("X-Forwarded-Host", httpContext.Request.Host.Value);
    }
}
