using System.Globalization;
using System.Text.Json;

namespace Metrics.Core.Ingestion;

/// <summary>
/// Reads the fields of one event object and keeps the first reason it is invalid. Events are read from
/// <see cref="JsonElement"/> rather than deserialised into types so that one bad field rejects one event
/// with a reason a person can act on, not the whole batch.
/// </summary>
internal sealed partial class EventFields(JsonElement element)
{
    public string? Reason { get; private set; } = element.ValueKind == JsonValueKind.Object ? JsonHazards.Find(element) : null;

    public bool IsObject => element.ValueKind == JsonValueKind.Object;

    public string? Text(string name, int maxLength, bool required = false)
    {
        if (!TryGet(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String) return Fail($"{name} must be a string");
        if (!JsonHazards.TryDecode(value, out var decoded)) return Fail($"{name} is not valid text");
        var text = decoded!.Trim();
        if (text.Length == 0) return required ? Fail($"{name} is required") : null;
        if (text.Length > maxLength) return Fail($"{name} is longer than {maxLength} characters");
        if (text.Any(char.IsControl)) return Fail($"{name} contains control characters");
        return text;
    }

    public DateTimeOffset Timestamp(string name, AcceptanceWindow window)
    {
        var text = Text(name, 64, required: true);
        if (text is null) return default;
        if (!IsoDate().IsMatch(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return Fail<DateTimeOffset>($"{name} is not an ISO-8601 date and time");
        if (window.Check(at) is { } outside) return Fail<DateTimeOffset>(outside);
        return at.ToUniversalTime();
    }

    public double Number(string name, double min, double max, bool required = false)
    {
        if (!TryGet(name, required, out var value)) return 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
            return Fail<double>($"{name} must be a number");
        if (number < min || number > max) return Fail<double>($"{name} must be between {min} and {max}");
        return number;
    }

    public long Integer(string name, long min, long max, bool required = false)
    {
        if (!TryGet(name, required, out var value)) return 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
            return Fail<long>($"{name} must be a whole number");
        if (number < min || number > max) return Fail<long>($"{name} must be between {min} and {max}");
        return number;
    }

    public JsonElement? Object(string name)
    {
        if (!TryGet(name, required: false, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Object) return Fail<JsonElement?>($"{name} must be an object");
        return value;
    }

    public string? Fail(string reason) => Fail<string?>(reason);

    public T Fail<T>(string reason)
    {
        Reason ??= reason;
        return default!;
    }

    private bool TryGet(string name, bool required, out JsonElement value)
    {
        value = default;
        if (Reason is not null) return false;
        if (element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null) return true;
        if (required) Fail($"{name} is required");
        return false;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")]
    private static partial System.Text.RegularExpressions.Regex IsoDate();
}
