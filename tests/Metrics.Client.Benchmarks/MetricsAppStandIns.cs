using System.Net;

namespace Metrics.Client.Benchmarks;

/// <summary>The metrics app as the benchmarks need it, without a network.</summary>
internal static class MetricsAppStandIns
{
    /// <summary>Reads each batch and acknowledges it at once.</summary>
    public static HttpMessageHandler Accepting() => new AcceptingHandler();

    /// <summary>Never answers: the sender waits on its first batch for as long as the benchmark runs.</summary>
    public static HttpMessageHandler Held() => new HeldHandler();

    private sealed class AcceptingHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await request.Content!.CopyToAsync(Stream.Null, cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent("""{"accepted":500,"duplicates":0,"rejected":[]}""") };
        }
    }

    private sealed class HeldHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new OperationCanceledException(cancellationToken);
        }
    }
}
