using System.Text.RegularExpressions;

namespace Metrics.Core.Ingestion;

/// <summary>What a service or site may be called: it is the first part of every raw row's key and a dimension of every rollup.</summary>
public static partial class SourceNames
{
    public const string Rule = "1 to 64 letters, digits, '.', '_' or '-'";

    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex Pattern();
}
