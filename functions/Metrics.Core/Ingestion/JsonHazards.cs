using System.Text.Json;

namespace Metrics.Core.Ingestion;

/// <summary>
/// What can make a parsed JSON value unsafe to read though the parser took it: a name given twice in one object
/// (which one was meant?), and text that cannot be decoded (an escaped lone surrogate, <c>"\ud800"</c>, is valid JSON
/// but no string). Checked once per event, so such an event is rejected with its reason and the rest of its batch kept.
/// </summary>
public static class JsonHazards
{
    /// <summary>Why <paramref name="value"/> cannot be read safely, or null when it can.</summary>
    /// <param name="skip">A top-level field not to look into (a batch's events, which are checked one by one).</param>
    public static JsonHazard? Find(JsonElement value, string path = "", string? skip = null)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in value.EnumerateObject())
                {
                    if (!TryDecodeName(property, out var name)) return new(RejectionCode.InvalidText, $"a field name in {Describe(path)} is not valid text (an escaped lone surrogate)");
                    var at = path.Length == 0 ? name : $"{path}.{name}";
                    if (!names.Add(name)) return new(RejectionCode.RepeatedField, $"'{at}' appears more than once: send each field once");
                    if (at != skip && Find(property.Value, at) is { } nested) return nested;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                    if (Find(item, $"{path}[{index++}]") is { } nested) return nested;
                return null;
            case JsonValueKind.String:
                return TryDecode(value, out _) ? null : new(RejectionCode.InvalidText, $"{Describe(path)} is not valid text (an escaped lone surrogate)");
            default:
                return null;
        }
    }

    /// <summary>The string, or false when its escapes do not decode to text.</summary>
    public static bool TryDecode(JsonElement value, out string? text)
    {
        try
        {
            text = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    private static bool TryDecodeName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }

    private static string Describe(string path) => path.Length == 0 ? "the value" : $"'{path}'";
}
