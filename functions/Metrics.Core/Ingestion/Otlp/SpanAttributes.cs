using System.Globalization;

namespace Metrics.Core.Ingestion.Otlp;

/// <summary>
/// The scalar attributes of a span or of its resource: text, whole numbers, doubles and booleans. Arrays, maps and bytes
/// are skipped when decoding, since no request field comes from them. A key given twice keeps its last value.
/// </summary>
public sealed class SpanAttributes
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);

    public int Count => _values.Count;

    public void Set(string key, object value) => _values[key] = value;

    /// <summary>The value as text; a number or boolean is written as OTLP JSON would.</summary>
    public string? Text(string key) => _values.GetValueOrDefault(key) switch
    {
        string text => text,
        long number => number.ToString(CultureInfo.InvariantCulture),
        double number => number.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        _ => null,
    };

    /// <summary>The value as a whole number: an int, a whole double, or text holding one (some SDKs send a status as text).</summary>
    public long? Integer(string key) => _values.GetValueOrDefault(key) switch
    {
        long number => number,
        double number when double.IsFinite(number) && number == Math.Floor(number) && Math.Abs(number) < 9e15 => (long)number,
        string text when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
        _ => null,
    };

    public bool Has(string key) => _values.ContainsKey(key);
}
