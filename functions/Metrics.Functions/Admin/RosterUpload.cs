using System.Text;
using System.Text.Json;
using Metrics.Core.Ingestion;
using Metrics.Storage.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Admin;

/// <summary>
/// A roster as uploaded: CSV (one user id per line, first column, optional <c>userId</c> header) or
/// JSON (<c>["u-1", …]</c> or <c>{"members": [...]}</c>, the shape GET answers with).
/// </summary>
internal static class RosterUpload
{
    private const string Header = "userId";

    /// <summary>The distinct member ids, or the problem to answer when the upload cannot be stored as it is.</summary>
    public static (IReadOnlyList<string>? Members, ProblemHttpResult? Problem) Read(byte[] body, bool isCsv)
    {
        var (entries, problem) = isCsv ? (FromCsv(body), null) : FromJson(body);
        if (problem is not null) return (null, problem);
        var rejected = entries!.Where(e => e.Reason is not null || TableKey.Problem(e.Value) is not null)
            .Select(e => new RejectedEntry(e.At, e.Value, e.Reason ?? TableKey.Problem(e.Value)!)).ToList();
        if (rejected.Count > 0) return (null, AdminBody.Rejected("invalid-user-ids", "user ids", rejected));
        return (entries!.Select(e => e.Value).Distinct(StringComparer.Ordinal).ToList(), null);
    }

    private static List<(string At, string Value, string? Reason)> FromCsv(byte[] body)
    {
        var lines = Encoding.UTF8.GetString(body).TrimStart('\uFEFF').ReplaceLineEndings("\n").Split('\n');
        var entries = new List<(string, string, string?)>();
        var headerChecked = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            var id = FirstField(lines[i]).Trim();
            if (!headerChecked && id.Equals(Header, StringComparison.OrdinalIgnoreCase))
            {
                headerChecked = true;
                continue;
            }
            headerChecked = true;
            entries.Add(($"line {i + 1}", id, null));
        }
        return entries;
    }

    /// <summary>The first cell of a CSV line, unquoting <c>"a ""b"""</c>; other columns are ignored.</summary>
    private static string FirstField(string line)
    {
        var text = line.TrimStart();
        if (!text.StartsWith('"')) return text.Split(',')[0];
        var field = new StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] != '"') field.Append(text[i]);
            else if (i + 1 < text.Length && text[i + 1] == '"') field.Append(text[++i]);
            else break;
        }
        return field.ToString();
    }

    private static (List<(string At, string Value, string? Reason)>? Entries, ProblemHttpResult? Problem) FromJson(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var list = json.RootElement;
            if (JsonHazards.Find(list) is { } hazard)
                return (null, AdminBody.Invalid("invalid-roster", "The roster cannot be read", $"{hazard}. Send a JSON array of user ids."));
            if (list.ValueKind == JsonValueKind.Object && list.TryGetProperty("members", out var members)) list = members;
            if (list.ValueKind != JsonValueKind.Array)
                return (null, AdminBody.Invalid("invalid-roster", "The roster is not a list",
                    """Send a JSON array of user ids (["u-1","u-2"]) or {"members":["u-1","u-2"]}."""));
            return (list.EnumerateArray().Select((item, index) => item.ValueKind switch
            {
                JsonValueKind.String => ($"item {index}", item.GetString()!.Trim(), (string?)null),
                JsonValueKind.Number => ($"item {index}", item.GetRawText(), null),
                _ => ($"item {index}", item.GetRawText(), "a user id must be a string"),
            }).ToList(), null);
        }
        catch (JsonException e)
        {
            return (null, AdminBody.Invalid("invalid-json", "The body is not valid JSON", $"The body could not be parsed as JSON: {e.Message}"));
        }
    }
}
