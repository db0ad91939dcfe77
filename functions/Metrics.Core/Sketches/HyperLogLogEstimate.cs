namespace Metrics.Core.Sketches;

/// <summary>
/// Otmar Ertl's improved HyperLogLog estimator ("New cardinality estimation algorithms for HyperLogLog
/// sketches", 2017, algorithm 6). Unlike the original estimator it needs no switch to linear counting and no
/// empirical bias tables: one formula stays unbiased from a handful of items to billions, which matters because
/// a merged sketch can land anywhere in that range.
/// </summary>
internal static class HyperLogLogEstimate
{
    private static readonly double AlphaInfinity = 1 / (2 * Math.Log(2));

    /// <param name="registers">Each register holds the largest rho seen, 0 to 64 - precision + 1.</param>
    /// <param name="precision">log2 of the number of registers.</param>
    public static double Of(ReadOnlySpan<byte> registers, int precision)
    {
        var q = 64 - precision;
        Span<int> histogram = stackalloc int[q + 2];
        foreach (var register in registers)
        {
            histogram[register]++;
        }

        double m = registers.Length;
        var z = m * Tau((m - histogram[q + 1]) / m);
        for (var k = q; k >= 1; k--)
        {
            z = 0.5 * (z + histogram[k]);
        }

        z += m * Sigma(histogram[0] / m);
        return AlphaInfinity * m * m / z;
    }

    private static double Sigma(double x)
    {
        if (x == 1)
        {
            return double.PositiveInfinity;
        }

        var y = 1.0;
        var z = x;
        double previous;
        do
        {
            x *= x;
            previous = z;
            z += x * y;
            y += y;
        }
        while (z != previous);

        return z;
    }

    private static double Tau(double x)
    {
        if (x == 0 || x == 1)
        {
            return 0;
        }

        var y = 1.0;
        var z = 1 - x;
        double previous;
        do
        {
            x = Math.Sqrt(x);
            previous = z;
            y *= 0.5;
            z -= (1 - x) * (1 - x) * y;
        }
        while (z != previous);

        return z / 3;
    }
}
