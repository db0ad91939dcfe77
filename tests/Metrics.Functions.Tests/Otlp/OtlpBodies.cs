using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Metrics.Functions.Tests.Otlp;

/// <summary>OTLP/JSON trace exports written by hand, for the answers' tests (the delivery tests send what real exporters encode).</summary>
internal static class OtlpBodies
{
    public const string TraceId = "5b8efff798038103d269b633813fc60c";

    /// <summary>The span id of the <paramref name="n"/>th span: 16 hex digits.</summary>
    public static string SpanId(int n) => n.ToString("x16", CultureInfo.InvariantCulture);

    public static string Export(string service, params string[] spans) =>
        $$$$"""{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"{{{{service}}}}"}}]},"scopeSpans":[{"scope":{"name":"t"},"spans":[{{{{string.Join(',', spans)}}}}]}]}]}""";

    /// <summary>A server span of GET /orders/{id} that began a minute ago and lasted 12.5 ms.</summary>
    public static string ServerSpan(int n, int status = 200, int kind = 2, string traceId = TraceId)
    {
        var start = (DateTimeOffset.UtcNow.AddMinutes(-1) - DateTimeOffset.UnixEpoch).Ticks * 100;
        return $$$$"""{"traceId":"{{{{traceId}}}}","spanId":"{{{{SpanId(n)}}}}","name":"GET /orders/{id}","kind":{{{{kind}}}},"startTimeUnixNano":"{{{{start}}}}","endTimeUnixNano":"{{{{start + 12_500_000}}}}","attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}},{"key":"http.route","value":{"stringValue":"/orders/{id}"}},{"key":"http.response.status_code","value":{"intValue":"{{{{status}}}}"}}]}""";
    }

    public static async Task<HttpResponseMessage> PostOtlpJsonAsync(this HttpClient client, string body, string? key = TestApp.IngestKey, string path = "/api/otlp/v1/traces")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (key is not null) request.Headers.Add("x-metrics-key", key);
        return await client.SendAsync(request);
    }
}
