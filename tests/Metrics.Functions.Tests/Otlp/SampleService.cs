namespace Metrics.Functions.Tests.Otlp;

/// <summary>A service instrumented with OpenTelemetry that exports to the app (.NET or Node), and what it served.</summary>
internal interface ISampleService : IAsyncDisposable
{
    string Name { get; }

    /// <summary>The event id the app derives from each server span the service made (<c>otlp-{traceId}-{spanId}</c>); whole once it is disposed.</summary>
    IReadOnlyCollection<string> Served { get; }

    Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? user = null, string? org = null);
}
