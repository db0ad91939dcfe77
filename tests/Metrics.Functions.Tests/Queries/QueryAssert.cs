using Metrics.Core.Sketches;

namespace Metrics.Functions.Tests.Queries;

/// <summary>
/// Comparisons of query answers with exact values, each failure naming the number that differs. Sketch-based
/// numbers get the tolerance docs/api.md promises; the worst error seen is kept so the suite can report it.
/// </summary>
internal static class QueryAssert
{
    /// <summary>The sketch's guarantee is exactly 1%; the slack only absorbs rounding in log and exp.</summary>
    public const double PercentileTolerance = QuantileSketch.RelativeAccuracy * (1 + 1e-9);
    public const double DistinctTolerance = 0.02;
    public const double AverageTolerance = 1e-9;

    private static readonly Lock Gate = new();

    public static double WorstPercentileError { get; private set; }
    public static double WorstDistinctError { get; private set; }

    public static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual)) Assert.Fail($"{what}: expected {expected}, got {actual}");
    }

    /// <summary>Equal within a relative <paramref name="tolerance"/> (1e-9 unless told): for averages computed from exact sums.</summary>
    public static void Close(double expected, double actual, string what, double tolerance = AverageTolerance)
    {
        var error = expected == 0 ? Math.Abs(actual) : Math.Abs(actual - expected) / Math.Abs(expected);
        if (!(error <= tolerance)) Assert.Fail($"{what}: expected {expected:R}, got {actual:R} (relative error {error:E2})");
    }

    /// <summary>A sketch quantile: within 1% of the exact lower quantile.</summary>
    public static void Percentile(double exact, double actual, string what)
    {
        var error = exact == 0 ? (actual == 0 ? 0 : double.PositiveInfinity) : Math.Abs(actual - exact) / exact;
        lock (Gate) WorstPercentileError = Math.Max(WorstPercentileError, error);
        if (!(error <= PercentileTolerance)) Assert.Fail($"{what}: expected {exact:R} ± 1%, got {actual:R} (relative error {error:P3})");
    }

    /// <summary>A distinct count: exact up to the sketch's exact limit, within 2% beyond it.</summary>
    public static void Distinct(long exact, long actual, string what)
    {
        if (exact <= DistinctCountSketch.ExactLimit)
        {
            Equal(exact, actual, $"{what} (exact below {DistinctCountSketch.ExactLimit})");
            return;
        }
        var error = Math.Abs(actual - exact) / (double)exact;
        lock (Gate) WorstDistinctError = Math.Max(WorstDistinctError, error);
        if (!(error <= DistinctTolerance)) Assert.Fail($"{what}: expected {exact} ± 2%, got {actual} (relative error {error:P3})");
    }

    public static string Observed() => $"worst percentile error so far {WorstPercentileError:P4}, worst distinct-count error {WorstDistinctError:P4}";
}
