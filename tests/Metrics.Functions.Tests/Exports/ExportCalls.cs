using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using Metrics.Functions.Tests.Ingest;
using Metrics.Functions.Tests.Security;

namespace Metrics.Functions.Tests.Exports;

/// <summary>Exports as a finance tool would ask for, follow and download them.</summary>
internal static class ExportCalls
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    public static Task<HttpResponseMessage> PostExportAsync(this HttpClient client, JsonNode body, string? key = TestApp.FinanceKey) =>
        client.SendAsync(HttpMethod.Post, "/api/exports", key, content: Batches.Json(body));

    /// <summary>Asks for an export and answers its id, failing the test unless it was accepted.</summary>
    public static async Task<string> StartExportAsync(this HttpClient client, JsonNode body)
    {
        var response = await client.PostExportAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> GetExportAsync(this HttpClient client, string id)
    {
        var response = await client.GetAsAsync($"/api/exports/{id}", TestApp.FinanceKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Polls until the job is finished (bounded: a job that hangs fails the test, it does not hang it).</summary>
    public static async Task<JsonElement> WaitUntilFinishedAsync(this HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        while (true)
        {
            var export = await client.GetExportAsync(id);
            var status = export.GetProperty("status").GetString();
            if (status is "succeeded" or "failed") return export;
            Assert.True(DateTime.UtcNow < deadline, $"export {id} still {status} after {MaxWait.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    public static async Task<JsonElement> ExportAndWaitAsync(this HttpClient client, JsonNode body)
    {
        var export = await client.WaitUntilFinishedAsync(await client.StartExportAsync(body));
        Assert.Equal("succeeded", export.GetProperty("status").GetString());
        return export;
    }

    /// <summary>The link as finance would use it: a plain client, no key.</summary>
    public static async Task<HttpResponseMessage> DownloadAsync(string url)
    {
        using var plain = new HttpClient();
        return await plain.GetAsync(new Uri(url));
    }

    public static async Task<byte[]> DownloadBytesAsync(JsonElement export)
    {
        var response = await DownloadAsync(export.GetProperty("url").GetString()!);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The CSV's rows as column → cell, header first.</summary>
    public static (string[] Header, List<Dictionary<string, string>> Rows) ParseCsv(byte[] bytes)
    {
        using var reader = new CsvReader(new StreamReader(new MemoryStream(bytes)), CultureInfo.InvariantCulture);
        reader.Read();
        reader.ReadHeader();
        var header = reader.HeaderRecord!;
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read()) rows.Add(header.ToDictionary(column => column, column => reader.GetField(column)!));
        return (header, rows);
    }

    public static string Iso(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset WholeSeconds(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    public static decimal Number(string cell) => decimal.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);
}
