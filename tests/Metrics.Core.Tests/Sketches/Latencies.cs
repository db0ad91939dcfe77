using FsCheck;
using FsCheck.Fluent;

namespace Metrics.Core.Tests.Sketches;

/// <summary>Generated request durations in milliseconds, shaped like real latency data.</summary>
internal static class Latencies
{
    private const double LowestMs = 0.01;
    private const double HighestMs = 100_000;

    /// <summary>
    /// Mostly a log-normal-ish spread over 0.01 ms to 100 s (the mean of two log-uniform draws), with exact zeros
    /// and repeated round values mixed in, because real timers report both.
    /// </summary>
    public static readonly Gen<double> Value = Gen.Frequency(
        (1, Gen.Constant(0.0)),
        (2, Gen.Elements(1.0, 5.0, 10.0, 250.0)),
        (20, from a in Gen.Choose(0, 1_000_000)
             from b in Gen.Choose(0, 1_000_000)
             select LogSpread((a + b) / 2_000_000.0)));

    /// <summary>Batches of up to 2,000 values; an empty batch is a legitimate input too.</summary>
    public static readonly Gen<double[]> Batch =
        Gen.Choose(0, 2_000).SelectMany(length => Value.ArrayOf(length));

    public static Arbitrary<double[][]> Batches(int count) => Batch.ArrayOf(count).ToArbitrary();

    /// <summary>A fixed, realistic sample: log-normal around 50 ms with a slow tail of timeouts up to a minute.</summary>
    public static double[] LogNormal(int count, int seed)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = random.NextDouble() < 0.02
                ? 1_000 + (random.NextDouble() * 59_000)
                : Math.Exp(Math.Log(50) + (1.2 * StandardNormal(random)));
        }

        return values;
    }

    /// <summary>The "lower" quantile the sketch promises to approximate: the item at rank floor(q * (n - 1)).</summary>
    public static double ExactQuantile(double[] sortedValues, double q) =>
        sortedValues[(int)Math.Floor(q * (sortedValues.Length - 1))];

    public static double RelativeError(double estimate, double exact) =>
        exact == 0 ? (estimate == 0 ? 0 : double.PositiveInfinity) : Math.Abs(estimate - exact) / exact;

    private static double LogSpread(double fraction) =>
        Math.Exp(Math.Log(LowestMs) + (fraction * (Math.Log(HighestMs) - Math.Log(LowestMs))));

    private static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
