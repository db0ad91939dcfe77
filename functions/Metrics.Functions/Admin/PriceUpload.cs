using System.Globalization;
using System.Text.Json;
using Metrics.Core.Ingestion;
using Metrics.Core.Pricing;
using Metrics.Storage.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Admin;

/// <summary>
/// Prices as uploaded: <c>{"gpt-small": 0.002}</c> (since always), <c>[{"model":"gpt-small","unitPrice":0.002,
/// "effectiveFrom":"2026-11-01"}]</c>, or <c>{"prices": [...]}</c> (the shape GET answers with). Prices are read from
/// the JSON text as decimals, never through a double, so 0.002 stays exactly 0.002.
/// </summary>
internal static class PriceUpload
{
    private const string Shapes = """Send {"<model>": <unit price>, …} or [{"model": "<model>", "unitPrice": <unit price>, "effectiveFrom": "yyyy-MM-dd"}, …].""";

    public static (IReadOnlyList<ModelPrice>? Prices, ProblemHttpResult? Problem) Read(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (JsonHazards.Find(root) is { } hazard) return (null, AdminBody.Invalid("invalid-prices", "The price list cannot be read", $"{hazard}. {Shapes}"));
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("prices", out var list) && list.ValueKind == JsonValueKind.Array) root = list;
            var entries = root.ValueKind switch
            {
                JsonValueKind.Object => root.EnumerateObject().Select(p => (At: $"'{p.Name}'", Model: (string?)p.Name, Price: p.Value, From: default(JsonElement))).ToList(),
                JsonValueKind.Array => root.EnumerateArray().Select((item, i) => (At: $"item {i}", Model: Text(item, "model"), Price: Field(item, "unitPrice"),
                    From: Field(item, "effectiveFrom"))).ToList(),
                _ => null,
            };
            if (entries is null) return (null, AdminBody.Invalid("invalid-prices", "The price list is not a map or a list", Shapes));
            if (entries.Count == 0) return (null, AdminBody.Invalid("invalid-prices", "No price was sent", $"A PUT sets at least one price. {Shapes}"));
            if (entries.Count > PriceStore.MaxPricesPerChange)
                return (null, AdminBody.Invalid("invalid-prices", "Too many prices at once",
                    $"A PUT sets at most {PriceStore.MaxPricesPerChange} prices, so that it lands whole or not at all; got {entries.Count}. Send them in several PUTs."));
            return Validate(entries);
        }
        catch (JsonException e)
        {
            return (null, AdminBody.Invalid("invalid-json", "The body is not valid JSON", $"The body could not be parsed as JSON: {e.Message}"));
        }
    }

    private static (IReadOnlyList<ModelPrice>?, ProblemHttpResult?) Validate(List<(string At, string? Model, JsonElement Price, JsonElement From)> entries)
    {
        var prices = new List<ModelPrice>();
        var rejected = new List<RejectedEntry>();
        var seen = new HashSet<(string, DateOnly?)>();
        foreach (var (at, rawModel, rawPrice, rawFrom) in entries)
        {
            var model = rawModel?.Trim() ?? "";
            var price = Decimal(rawPrice);
            var (from, fromProblem) = EffectiveFrom(rawFrom);
            var problem = rawModel is null ? "each entry needs a \"model\" string"
                : TableKey.Problem(model) is { } bad ? $"the model name is unusable: {bad}"
                : model.Contains('|', StringComparison.Ordinal) ? "the model name is unusable: it contains '|'"
                : fromProblem is not null ? fromProblem
                : !seen.Add((model, from)) ? "the model is priced twice from the same day"
                : price is null ? "the unit price is not a number"
                : PriceList.Problem(price.Value);
            if (problem is null) prices.Add(new ModelPrice(model, price!.Value, from));
            else rejected.Add(new RejectedEntry(at, rawPrice.ValueKind == JsonValueKind.Undefined ? model : $"{model}: {rawPrice.GetRawText()}", problem));
        }
        return rejected.Count > 0 ? (null, AdminBody.Rejected("invalid-prices", "prices", rejected)) : (prices, null);
    }

    /// <summary>A UTC day, <c>yyyy-MM-dd</c>: rollups are hourly and daily, so a price can change at the start of a day, not inside one.</summary>
    private static (DateOnly? Day, string? Problem) EffectiveFrom(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => (null, null),
        JsonValueKind.String when DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) => (day, null),
        _ => (null, $"effectiveFrom must be a UTC day written yyyy-MM-dd (the price applies from 00:00 UTC that day); got {value.GetRawText()}"),
    };

    /// <summary>A JSON number, or a string holding one (some tools quote decimals to keep them exact).</summary>
    private static decimal? Decimal(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetDecimal(out var number) => number,
        JsonValueKind.String when decimal.TryParse(value.GetString(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign,
            CultureInfo.InvariantCulture, out var number) => number,
        _ => null,
    };

    private static JsonElement Field(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) ? value : default;

    private static string? Text(JsonElement item, string name) =>
        Field(item, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
