namespace Metrics.Core.Sketches;

/// <summary>
/// The fixed value-to-bucket mapping of <see cref="QuantileSketch"/>: bucket <c>i</c> holds the values in
/// (γ^(i-1), γ^i] with γ = (1 + a) / (1 - a), so <c>index = ceil(log_γ(value))</c>. Its middle value
/// 2γ^i / (γ + 1) is within a relative <c>a</c> of both ends, which is where the accuracy guarantee comes from.
/// The mapping never changes at run time; serialized sketches depend on it (format version 1).
/// </summary>
internal static class LogarithmicBuckets
{
    public const double RelativeAccuracy = 0.01;

    /// <summary>
    /// Values below this go to the zero bucket. Latencies that small are noise, and a floor keeps the
    /// number of possible buckets bounded.
    /// </summary>
    public const double MinTrackedValue = 1e-9;

    private const double Gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);

    private static readonly double LogGamma = Math.Log(Gamma);

    public static readonly int MinIndex = IndexOf(MinTrackedValue);

    public static readonly int MaxIndex = IndexOf(double.MaxValue);

    /// <summary>Only for values at or above <see cref="MinTrackedValue"/> and finite.</summary>
    public static int IndexOf(double value) => (int)Math.Ceiling(Math.Log(value) / LogGamma);

    /// <summary>
    /// May come out as infinity near double.MaxValue; callers clamp into the observed [Min, Max] anyway.
    /// </summary>
    public static double ValueOf(int index) => Math.Exp(index * LogGamma) * (2 / (Gamma + 1));
}
