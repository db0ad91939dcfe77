using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Rollups.Retention;
using Metrics.Rollups.Tables;
using Metrics.Rollups.Compaction;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>
/// What the app stored and answers, in a form two apps (or two moments) can be compared by: every row as
/// one line with all its properties (sketches as base64), and query answers as JSON without freshness.
/// </summary>
internal static class StoredState
{
    /// <summary>Properties that differ between two apps given identical events: the batch id is random per call.</summary>
    public static readonly string[] PerAppProperties = ["BatchId"];

    /// <summary>
    /// Every row of the table as <c>PartitionKey|RowKey|name=value;…</c>, ordered. With <paramref name="versions"/>
    /// the ETag and Timestamp are kept, so a rewrite of an identical row shows too.
    /// </summary>
    public static async Task<List<string>> RowsAsync(this TestApp app, string table, bool versions = false, params string[] ignore)
    {
        var rows = new List<string>();
        var packs = new List<Azure.Data.Tables.TableEntity>();
        foreach (var row in await app.Storage.AllAsync(table))
        {
            if (SettledPacks.Is(row))
            {
                packs.Add(row);
                continue;
            }
            if (!PartialRows.Is(row) || PartialRows.IsCoverage(row))
            {
                rows.Add(Line(row, row.RowKey, versions, ignore));
                continue;
            }
            // Which write packed a cell, and in what order, depends on how batches met: the cells are the state.
            // With versions each cell carries its row's ETag, so a rewritten partial row shows too.
            var received = row.RowKey[..20];
            var version = versions ? $"@{row.ETag}" : "";
            rows.AddRange(PartialRows.Unpack(row).Select(cell => Line(cell, $"{received}-(write)-{cell.RowKey}", versions, ignore) + version));
        }
        // A day's or week's packs: their cells are the state; the generation says only when the partition was written.
        foreach (var partition in packs.GroupBy(row => row.PartitionKey))
        {
            var version = versions ? "@" + string.Join(',', partition.Select(row => row.ETag)) : "";
            rows.AddRange(SettledPacks.Cells(partition.ToList()).Select(cell => Line(cell, $"(pack)-{cell.RowKey}", versions, ignore) + version));
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static string Line(Azure.Data.Tables.TableEntity row, string rowKey, bool versions, string[] ignore)
    {
        var properties = row.Keys
            .Where(name => name is not ("PartitionKey" or "RowKey") && !ignore.Contains(name)
                && (versions || name is not ("odata.etag" or "Timestamp")))
            .Order(StringComparer.Ordinal)
            .Select(name => $"{name}={Format(row[name])}");
        return $"{row.PartitionKey}|{rowKey}|{string.Join(';', properties)}";
    }

    /// <summary>Raw rows, rollups, finalisation markers and dirty markers: all the state the nightly run changes.</summary>
    public static async Task<Dictionary<string, List<string>>> DataAsync(this TestApp app, bool versions = false, params string[] ignore)
    {
        var state = new Dictionary<string, List<string>>();
        foreach (var table in new[] { TableNames.RequestEvents, TableNames.UsageEvents, TableNames.FinalisedHours, TableNames.DirtyHours }.Concat(TableNames.AllRollups))
            state[table] = await app.RowsAsync(table, versions, ignore);
        return state;
    }

    /// <summary>Every rollup row, of every family's table.</summary>
    public static async Task<List<Azure.Data.Tables.TableEntity>> RollupRowsAsync(this TestApp app)
    {
        var rows = new List<Azure.Data.Tables.TableEntity>();
        foreach (var table in TableNames.AllRollups) rows.AddRange(await app.Storage.AllAsync(table));
        return rows;
    }

    /// <summary>The distinct partition keys of every rollup table's settled rows, not partials (keys name their kind and family).</summary>
    public static async Task<SortedSet<string>> RollupPartitionsAsync(this TestApp app) =>
        new((await app.RollupRowsAsync()).Where(row => !PartialRows.Is(row)).Select(row => row.PartitionKey), StringComparer.Ordinal);

    /// <summary>The distinct partition keys of a table.</summary>
    public static async Task<SortedSet<string>> PartitionsAsync(this TestApp app, string table) =>
        new((await app.Storage.AllAsync(table)).Select(row => row.PartitionKey), StringComparer.Ordinal);

    /// <summary>An admin GET that must answer 200; its JSON without <c>freshness</c> (which moves with the clock).</summary>
    public static async Task<string> AnswerAsync(this TestApp app, string pathAndQuery)
    {
        using var response = await app.AdminGetAsync(pathAndQuery);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{pathAndQuery}: {(int)response.StatusCode} {text}");
        var json = JsonNode.Parse(text)!.AsObject();
        json.Remove("freshness");
        return json.ToJsonString();
    }

    public static async Task<HttpResponseMessage> AdminGetAsync(this TestApp app, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestApp.AdminKey);
        return await app.Client.SendAsync(request);
    }

    /// <summary>The query answers the nightly must never change: performance and the org breakdown over a window.</summary>
    public static async Task<List<string>> AnswersAsync(this TestApp app, DateTimeOffset from, DateTimeOffset to)
    {
        var range = $"from={Iso(from)}&to={Iso(to)}";
        return
        [
            await app.AnswerAsync($"/api/metrics/performance?{range}"),
            await app.AnswerAsync($"/api/metrics/breakdown?by=org&{range}"),
            await app.AnswerAsync($"/api/metrics/usage?{range}"),
        ];
    }

    public static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    private static string Format(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Convert.ToBase64String(bytes),
        BinaryData data => Convert.ToBase64String(data.ToArray()),
        DateTimeOffset at => at.ToString("O", CultureInfo.InvariantCulture),
        DateTime at => at.ToString("O", CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
