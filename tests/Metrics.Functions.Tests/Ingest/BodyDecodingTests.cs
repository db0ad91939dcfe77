using System.IO.Compression;
using System.Net;
using System.Text;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Ingest;

/// <summary>
/// How a body is taken before it is parsed: a byte order mark is fine, a declared encoding is undone, and bytes that
/// are not UTF-8, or not what their encoding says, are a 4xx that names the fault; cheap refusals come first.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BodyDecodingTests(SharedAzurite azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static byte[] Batch(string idPrefix) =>
        Encoding.UTF8.GetBytes(Batches.Requests("decoding", 2, DateTimeOffset.UtcNow.AddMinutes(-1)).ToJsonString().Replace("evt-", idPrefix, StringComparison.Ordinal));

    [Fact]
    public async Task A_body_with_a_byte_order_mark_is_read_as_its_json()
    {
        var response = await PostAsync([0xEF, 0xBB, 0xBF, .. Batch("bom-")]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(2, (await response.ReadJsonAsync()).GetProperty("accepted").GetInt32());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task A_compressed_body_is_decoded_and_stored(string encoding)
    {
        var response = await PostAsync(Compress(Batch($"{encoding}-"), encoding), encoding);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = (await _app.Storage.AllAsync(TableNames.RequestEvents)).Select(r => r.RowKey).ToList();
        Assert.Contains($"decoding:{encoding}-0", stored);
    }

    [Fact]
    public async Task A_plain_body_labelled_gzip_is_a_400_that_says_so()
    {
        var response = await PostAsync(Batch("liar-"), "gzip");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid-content-encoding");
        Assert.Empty(await _app.Storage.AllAsync(TableNames.RequestEvents));
    }

    [Fact]
    public async Task An_encoding_the_app_does_not_decode_is_a_415()
    {
        await AssertProblemAsync(await PostAsync(Batch("x-"), "compress"), HttpStatusCode.UnsupportedMediaType, "unsupported-content-encoding");
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_are_a_400_naming_the_first_bad_byte()
    {
        var body = Batch("utf8-");
        var at = Array.IndexOf(body, (byte)'/');
        body[at] = 0xFF;

        var problem = await AssertProblemAsync(await PostAsync(body), HttpStatusCode.BadRequest, "invalid-utf8");

        Assert.Contains($"Byte {at} ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_naming_its_service_twice_is_a_400()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"service":"a","service":"b","events":[{{HostileEvent("twice")}}]}""");

        var problem = await AssertProblemAsync(await PostAsync(body), HttpStatusCode.BadRequest, "invalid-batch");

        Assert.Contains("'service' appears more than once", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_beacon_from_an_origin_no_site_allows_is_refused_before_its_body_is_read()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/usage") { Content = new ByteArrayContent([0xFF, 0x00, 0x7B]) };
        request.Content.Headers.ContentType = new("text/plain");
        request.Headers.Add("Origin", "https://elsewhere.example.net");

        await AssertProblemAsync(await _app.Client.SendAsync(request), HttpStatusCode.Forbidden, "forbidden");
    }

    private static string HostileEvent(string id) => Batches.RequestEvent(0, DateTimeOffset.UtcNow.AddMinutes(-1), id).ToJsonString();

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string? encoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/requests") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        if (encoding is not null) request.Content.Headers.ContentEncoding.Add(encoding);
        request.Headers.Add("x-metrics-key", TestApp.IngestKey);
        return await _app.Client.SendAsync(request);
    }

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal($"urn:metrics-functions:problem:{type}", problem.GetProperty("type").GetString());
        return problem.GetProperty("detail").GetString()!;
    }

    private static byte[] Compress(byte[] body, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding switch
               {
                   "gzip" => new GZipStream(output, CompressionLevel.Fastest),
                   "deflate" => new ZLibStream(output, CompressionLevel.Fastest),
                   _ => new BrotliStream(output, CompressionLevel.Fastest),
               })
            compressor.Write(body);
        return output.ToArray();
    }
}
