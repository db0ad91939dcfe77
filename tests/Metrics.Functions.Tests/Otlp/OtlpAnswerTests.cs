using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Otlp;

/// <summary>The answers OTLP exporters act on (docs/api.md, "OTLP traces"), over HTTP to the real app.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OtlpAnswerTests(SharedAzurite azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Unusable_spans_are_a_200_with_partial_success_and_the_usable_ones_are_stored_once_when_sent_again()
    {
        var body = OtlpBodies.Export("answers-api", OtlpBodies.ServerSpan(1), OtlpBodies.ServerSpan(2, status: 999), OtlpBodies.ServerSpan(3, kind: 3),
            OtlpBodies.ServerSpan(4, traceId: new string('0', 32)), OtlpBodies.ServerSpan(5));
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await _app.Client.PostOtlpJsonAsync(body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var partial = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("partialSuccess");
            Assert.Equal("2", partial.GetProperty("rejectedSpans").GetString());
            var message = partial.GetProperty("errorMessage").GetString()!;
            Assert.StartsWith("2 of 4 server spans rejected: ", message, StringComparison.Ordinal);
            Assert.Contains("http.response.status_code 999 is not between 100 and 599", message, StringComparison.Ordinal);
            Assert.Contains("1 spans of other kinds than SERVER ignored", message, StringComparison.Ordinal);
        }

        var stored = (await _app.Storage.AllAsync(TableNames.RequestEvents)).Select(row => row.RowKey).Order(StringComparer.Ordinal);
        Assert.Equal([$"answers-api:otlp-{OtlpBodies.TraceId}-{OtlpBodies.SpanId(1)}", $"answers-api:otlp-{OtlpBodies.TraceId}-{OtlpBodies.SpanId(5)}"], stored);
    }

    [Fact]
    public async Task A_protobuf_export_of_only_usable_spans_gets_an_empty_protobuf_response()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/otlp/v1/traces") { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        request.Headers.Add("x-metrics-key", TestApp.IngestKey);
        using var response = await _app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("application/json", "{\"resourceSpans\":{}}", HttpStatusCode.BadRequest, "invalid-otlp")]
    [InlineData("application/x-protobuf", "{\"resourceSpans\":[]}", HttpStatusCode.BadRequest, "invalid-otlp")]
    [InlineData("text/plain", "{}", HttpStatusCode.UnsupportedMediaType, "unsupported-media-type")]
    [InlineData("application/grpc", "{}", HttpStatusCode.UnsupportedMediaType, "unsupported-media-type")]
    public async Task Bodies_that_are_not_exports_are_problems_never_5xx(string contentType, string body, HttpStatusCode status, string type)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/otlp/v1/traces") { Content = new StringContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("x-metrics-key", TestApp.IngestKey);
        using var response = await _app.Client.SendAsync(request);

        await AssertProblemAsync(response, status, type);
    }

    [Fact]
    public async Task A_wrong_key_is_a_401_and_other_signals_are_a_problem_pointing_to_traces()
    {
        await AssertProblemAsync(await _app.Client.PostOtlpJsonAsync(OtlpBodies.Export("x", OtlpBodies.ServerSpan(1)), key: "nope"), HttpStatusCode.Unauthorized, "unauthorized");
        using var metrics = await _app.Client.PostOtlpJsonAsync("{}", path: "/api/otlp/v1/metrics");
        var detail = await AssertProblemAsync(metrics, HttpStatusCode.NotFound, "otlp-signal-not-taken");
        Assert.Contains("/api/otlp/v1/traces", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_over_the_body_cap_is_a_413()
    {
        var spans = Enumerable.Range(1, 1001).Select(n => OtlpBodies.ServerSpan(n)).ToArray();
        await AssertProblemAsync(await _app.Client.PostOtlpJsonAsync(OtlpBodies.Export("big-api", spans)), HttpStatusCode.RequestEntityTooLarge, "batch-too-large");
    }

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal($"urn:metrics-functions:problem:{type}", problem.GetProperty("type").GetString());
        return problem.GetProperty("detail").GetString()!;
    }
}
