using Metrics.Core.Rollups;
using System.Globalization;
using Metrics.Core.Retention;

namespace Metrics.Core.Queries;

/// <summary>
/// Turns a query's <c>range</c> preset or <c>from</c>/<c>to</c> into a window, or into a message a person
/// can act on. Presets end with the current hour; custom ranges are widened to whole hours.
/// </summary>
public static class QueryRange
{
    public const string DefaultPreset = "24h";
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(90);

    public static readonly IReadOnlyDictionary<string, TimeSpan> Presets = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase)
    {
        ["24h"] = TimeSpan.FromHours(24),
        ["7d"] = TimeSpan.FromDays(7),
        ["30d"] = TimeSpan.FromDays(30),
        ["90d"] = TimeSpan.FromDays(90),
    };

    public static (QueryWindow? Window, string? Error) Parse(string? range, string? from, string? to, DateTimeOffset now, RetentionOptions retention)
    {
        var end = QueryWindow.CeilingHour(now);
        var earliest = RollupCalendar.HourOf(now.AddDays(-retention.RollupDays));
        if (!string.IsNullOrEmpty(range) && (!string.IsNullOrEmpty(from) || !string.IsNullOrEmpty(to)))
            return Error("Give either 'range' or 'from'/'to', not both.");
        if (string.IsNullOrEmpty(from) && string.IsNullOrEmpty(to))
        {
            range = string.IsNullOrEmpty(range) ? DefaultPreset : range;
            if (!Presets.TryGetValue(range, out var span))
                return Error($"'range' must be one of {string.Join(", ", Presets.Keys)}; got '{range}'. For other spans use 'from' and 'to'.");
            var start = end - span;
            return (new QueryWindow(start < earliest ? earliest : start, end), null);
        }

        if (string.IsNullOrEmpty(from)) return Error("'from' is required when 'to' is given.");
        if (!TryParse(from, out var fromAt)) return Error($"'from' is not an ISO-8601 date and time: '{from}'.");
        var toAt = now;
        if (!string.IsNullOrEmpty(to) && !TryParse(to, out toAt)) return Error($"'to' is not an ISO-8601 date and time: '{to}'.");
        if (fromAt >= toAt) return Error($"'from' ({fromAt:O}) must be before 'to' ({toAt:O}).");
        if (toAt > now.AddMinutes(1)) return Error($"'to' ({toAt:O}) is in the future; the latest possible is now ({now:O}).");
        if (toAt - fromAt > MaxSpan) return Error($"The range spans {(toAt - fromAt).TotalDays:0.###} days; at most {MaxSpan.TotalDays:0} days can be queried at once.");
        if (fromAt < earliest)
            return Error($"'from' ({fromAt:O}) is before the retention window: data is kept {retention.RollupDays} days, so the earliest is {earliest:O}.");
        return (new QueryWindow(RollupCalendar.HourOf(fromAt), QueryWindow.CeilingHour(toAt)), null);
    }

    private static bool TryParse(string text, out DateTimeOffset at)
    {
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
        return ok && text.Length >= 10 && text[4] == '-';
    }

    private static (QueryWindow?, string?) Error(string message) => (null, message);
}
