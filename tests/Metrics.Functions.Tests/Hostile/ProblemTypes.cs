using System.Text.RegularExpressions;

namespace Metrics.Functions.Tests.Hostile;

/// <summary>The problem types docs/problems.md lists: every 4xx the app answers must be one of them.</summary>
internal static partial class ProblemTypes
{
    public static IReadOnlySet<string> Documented { get; } = Read();

    private static HashSet<string> Read()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var doc = Path.Combine(folder.FullName, "docs", "problems.md");
            if (File.Exists(doc)) return Type().Matches(File.ReadAllText(doc)).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        }
        throw new InvalidOperationException("docs/problems.md is not above the test's folder");
    }

    [GeneratedRegex("urn:metrics-functions:problem:[a-z0-9-]+")]
    private static partial Regex Type();
}
