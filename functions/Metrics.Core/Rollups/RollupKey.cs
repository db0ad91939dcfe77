namespace Metrics.Core.Rollups;

/// <summary>
/// One rollup row's identity within an hour or day: its family (which dimensions it groups by) and the
/// values of those dimensions. A missing value is the empty string, so every event lands in exactly one
/// row of every family, and the rows of any family add up to the same totals.
/// </summary>
public readonly record struct RollupKey(string Family, string JoinedValues)
{
    private const char Separator = '\u001f';

    public static RollupKey Of(string family, params ReadOnlySpan<string?> values) =>
        new(family, string.Join(Separator, values.ToArray().Select(v => v ?? "")));

    public string[] Values => JoinedValues.Split(Separator);

    public string Value(int index) => Values[index];
}
