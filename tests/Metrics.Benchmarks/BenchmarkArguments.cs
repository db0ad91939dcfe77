using System.Globalization;

namespace Metrics.Benchmarks;

/// <summary>
/// The <c>--name value</c> options (and <c>--flag</c> switches) after the verb. An option no benchmark read is an error, so a typo
/// never silently runs the default size.
/// </summary>
internal sealed class BenchmarkArguments
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);

    private BenchmarkArguments(Dictionary<string, string> values) => _values = values;

    public static BenchmarkArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"expected '--name value' or '--flag', got '{args[i]}'");
            var isSwitch = i + 1 == args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal);
            values[args[i][2..]] = isSwitch ? "true" : args[++i];
        }
        return new BenchmarkArguments(values);
    }

    public int Int(string name, int defaultValue, int min, int max)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var text)) return defaultValue;
        return int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max
            ? value
            : throw new ArgumentException($"--{name} must be a whole number from {min} to {max}, not '{text}'");
    }

    /// <summary>A required text option.</summary>
    public string Text(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var text) ? text : throw new ArgumentException($"--{name} is required");
    }

    /// <summary>An optional text option.</summary>
    public string? OptionalText(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var text) ? text : null;
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var text)) return false;
        return bool.TryParse(text, out var value) ? value : throw new ArgumentException($"--{name} is a switch: give it alone or as true/false, not '{text}'");
    }

    /// <summary>Call after reading every option the benchmark knows.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(name => !_read.Contains(name)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"unknown option(s): {string.Join(", ", unknown.Select(n => "--" + n))}");
    }
}
