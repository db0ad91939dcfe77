using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Metrics.Functions.Tests.Security;

namespace Metrics.Functions.Tests.Queries;

/// <summary>The admin calls query tests make: queries, the compaction timer, prices and the roster.</summary>
internal static class MetricsCalls
{
    /// <summary>GET as an admin; the answer must be 200 JSON.</summary>
    public static async Task<JsonElement> GetMetricsAsync(this HttpClient client, string pathAndQuery)
    {
        using var response = await client.GetAsAsync(pathAndQuery);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {pathAndQuery}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Runs <c>RollupCompaction</c> a tick after the last request, as an admin would locally; returns its summary.</summary>
    public static async Task<JsonElement> RunCompactionAsync(this TestApp app)
    {
        app.Tick();
        using var response = await app.Client.SendAsync(HttpMethod.Post, "/admin/functions/RollupCompaction", TestApp.AdminKey);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"RollupCompaction: {(int)response.StatusCode} {body}");
        var summary = JsonDocument.Parse(body).RootElement.GetProperty("returnValue").Clone();
        Assert.Equal(0, summary.GetProperty("HoursStillDirty").GetInt32());
        return summary;
    }

    public static async Task SetPricesAsync(this HttpClient client, IReadOnlyDictionary<string, decimal> prices)
    {
        using var response = await client.PutAsAsync("/api/admin/prices", JsonContent.Create(prices));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task SetRosterAsync(this HttpClient client, IEnumerable<string> members)
    {
        using var response = await client.PutAsAsync("/api/admin/roster", JsonContent.Create(members.ToArray()));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The whole hours a response says it covers.</summary>
    public static Window RangeOf(JsonElement response) =>
        new(response.GetProperty("range").GetProperty("from").GetDateTimeOffset(), response.GetProperty("range").GetProperty("to").GetDateTimeOffset());

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Escape(string value) => Uri.EscapeDataString(value);

    public static IEnumerable<JsonElement> Items(this JsonElement element, string property) => element.GetProperty(property).EnumerateArray();

    public static long Long(this JsonElement element, string property) => element.GetProperty(property).GetInt64();
    public static double Double(this JsonElement element, string property) => element.GetProperty(property).GetDouble();
    public static decimal Decimal(this JsonElement element, string property) => element.GetProperty(property).GetDecimal();
    public static string Text(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    /// <summary>A source's status in a response (<c>complete</c>, <c>partial</c>, <c>missing</c>), or null when not listed.</summary>
    public static JsonElement? Source(this JsonElement response, string kind) =>
        response.Items("sources").Where(s => s.Text("name") == kind).Select(s => (JsonElement?)s).SingleOrDefault();

}
