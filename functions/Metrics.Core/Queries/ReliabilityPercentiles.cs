using System.Globalization;

namespace Metrics.Core.Queries;

/// <summary>
/// The percentiles a reliability answer shows for each hour (<c>percentiles=50,95,99.9</c>): numbers from 0 to 100, at
/// most <see cref="MaxCount"/>, written plainly (digits and one decimal point). Percentile p is the sketch's quantile
/// p / 100, so 0 is the hour's minimum and 100 its maximum, both exact.
/// </summary>
public sealed record ReliabilityPercentiles(IReadOnlyList<double> Values)
{
    public const int MaxCount = 10;

    /// <summary>What is shown when none are asked for: the p95 and p99 the spike rule watches.</summary>
    public static ReliabilityPercentiles Default { get; } = new([95, 99]);

    /// <summary>The parsed list, or why <paramref name="text"/> is not one; <c>null</c> text is <see cref="Default"/>.</summary>
    public static (ReliabilityPercentiles? Percentiles, string? Invalid) Parse(string? text)
    {
        if (text is null) return (Default, null);
        var values = new List<double>();
        foreach (var item in text.Split(','))
        {
            var trimmed = item.Trim();
            // Plain digits only: no sign, exponent or thousands separator, so '1e2' is not quietly 100; the range check refuses NaN and infinity,
            // which the parser accepts whatever the styles.
            if (!double.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value is not (>= 0 and <= 100))
                return (null, $"each percentile must be a number from 0 to 100 such as 50, 95 or 99.9; got '{Shorten(trimmed)}'");
            if (!values.Contains(value)) values.Add(value);
        }
        if (values.Count > MaxCount) return (null, $"at most {MaxCount} percentiles can be asked for at once; got {values.Count}");
        return (new ReliabilityPercentiles(values), null);
    }

    /// <summary>The name a percentile has in an answer: <c>p50</c>, <c>p99.9</c>.</summary>
    public static string NameOf(double percentile) => "p" + percentile.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
