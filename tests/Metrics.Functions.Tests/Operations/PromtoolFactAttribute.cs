namespace Metrics.Functions.Tests.Operations;

/// <summary>
/// A test that needs promtool: skipped where it is not installed, except under CI (<c>CI=true</c>), where it must be, so
/// the check can never silently stop running there.
/// </summary>
internal sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Promtool.Path is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Skip = "promtool is not installed: bash tests/Metrics.Functions.Tests/install-promtool.sh";
    }
}
