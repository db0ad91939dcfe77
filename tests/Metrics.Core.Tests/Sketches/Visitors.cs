using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Sketches;

namespace Metrics.Core.Tests.Sketches;

/// <summary>Generated visitor ids, drawn with repeats from a pool, the way one visitor makes many requests.</summary>
internal static class Visitors
{
    public static string Id(int number) => $"visitor-{number}";

    /// <summary>Up to <paramref name="maxLength"/> draws from the first <paramref name="poolSize"/> ids.</summary>
    public static Gen<string[]> Batch(int poolSize, int maxLength) =>
        Gen.Choose(0, maxLength).SelectMany(length => Gen.Choose(0, poolSize - 1).Select(Id).ArrayOf(length));

    /// <summary>Batches sharing one pool of random size, so unions land on both sides of the exact limit.</summary>
    public static Arbitrary<string[][]> Batches(int count, int maxPool, int maxLength) =>
        Gen.Choose(1, maxPool).SelectMany(pool => Batch(pool, maxLength).ArrayOf(count)).ToArbitrary();

    public static DistinctCountSketch Sketch(IEnumerable<string> items)
    {
        var sketch = new DistinctCountSketch();
        foreach (var item in items)
        {
            sketch.Add(item);
        }

        return sketch;
    }

    public static DistinctCountSketch Range(int first, int count) => Sketch(Enumerable.Range(first, count).Select(Id));

    public static DistinctCountSketch Merged(DistinctCountSketch into, DistinctCountSketch from)
    {
        into.Merge(from);
        return into;
    }
}
