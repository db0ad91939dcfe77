namespace Metrics.Benchmarks;

/// <summary>A benchmark the command line can name: its verb, what it measures, its options, how to run it.</summary>
/// <param name="RunAsync">Returns the process exit code: 0 when every check passed.</param>
internal sealed record Benchmark(string Verb, string Summary, string Options, Func<BenchmarkArguments, Task<int>> RunAsync);
