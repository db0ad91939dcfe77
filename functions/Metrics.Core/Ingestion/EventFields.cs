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
    /// <summary>The first reason the event is invalid, or null.</summary>
    public (RejectionCode Code, string Reason)? Problem { get; private set; } =
        element.ValueKind == JsonValueKind.Object && JsonHazards.Find(element) is { } hazard ? (hazard.Code, hazard.Text) : null;

    public bool IsObject => element.ValueKind == JsonValueKind.Object;

    public string? Text(string name, int maxLength, bool required = false)
    {
        if (!TryGet(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String) return Fail(RejectionCode.InvalidValue, $"{name} must be a string");
        if (!JsonHazards.TryDecode(value, out var decoded)) return Fail(RejectionCode.InvalidText, $"{name} is not valid text");
        var text = decoded!.Trim();
        if (text.Length == 0) return required ? Fail(RejectionCode.MissingField, $"{name} is required") : null;
        if (text.Length > maxLength) return Fail(RejectionCode.TooLong, $"{name} is longer than {maxLength} characters");
        if (text.Any(char.IsControl)) return Fail(RejectionCode.ControlCharacters, $"{name} contains control characters");
        return text;
    }

    public DateTimeOffset Timestamp(string name, AcceptanceWindow window)
    {
        var text = Text(name, 64, required: true);
        if (text is null) return default;
        if (!IsoDate().IsMatch(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return Fail<DateTimeOffset>(RejectionCode.InvalidValue, $"{name} is not an ISO-8601 date and time");
        if (window.Check(at) is { } outside) return Fail<DateTimeOffset>(outside.Code, outside.Reason);
        return at.ToUniversalTime();
    }

    public double Number(string name, double min, double max, bool required = false)
    {
        if (!TryGet(name, required, out var value)) return 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
            return Fail<double>(RejectionCode.InvalidValue, $"{name} must be a number");
        if (number < min || number > max) return Fail<double>(RejectionCode.InvalidValue, $"{name} must be between {min} and {max}");
        return number;
    }

    public long Integer(string name, long min, long max, bool required = false)
    {
        if (!TryGet(name, required, out var value)) return 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
            return Fail<long>(RejectionCode.InvalidValue, $"{name} must be a whole number");
        if (number < min || number > max) return Fail<long>(RejectionCode.InvalidValue, $"{name} must be between {min} and {max}");
        return number;
    }

    public JsonElement? Object(string name)
    {
        if (!TryGet(name, required: false, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Object) return Fail<JsonElement?>(RejectionCode.InvalidValue, $"{name} must be an object");
        return value;
    }

    public string? Fail(RejectionCode code, string reason) => Fail<string?>(code, reason);

    public T Fail<T>(RejectionCode code, string reason)
    {
        Problem ??= (code, reason);
        return default!;
    }

    private bool TryGet(string name, bool required, out JsonElement value)
    {
        value = default;
        if (Problem is not null) return false;
        if (element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null) return true;
        if (required) Fail(RejectionCode.MissingField, $"{name} is required");
        return false;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")]
    private static partial System.Text.RegularExpressions.Regex IsoDate();
}
