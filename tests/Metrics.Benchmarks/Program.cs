using Metrics.Benchmarks;

// One verb per benchmark, each in its own file:
//   dotnet run -c Release --project tests/Metrics.Benchmarks -- ingest --events 50000
Benchmark[] benchmarks = [IngestBenchmark.Definition, QueryBenchmark.Definition, NightlyBenchmark.Definition, ColdStartBenchmark.Definition,
    StreamBenchmark.Definition, DashboardBenchmark.Definition, ReplayBenchmark.Definition, OtlpBenchmark.Definition,
    CostBenchmark.Definition];

var chosen = args.Length > 0 ? benchmarks.Append(NightlyBenchmark.Step).FirstOrDefault(b => b.Verb.Equals(args[0], StringComparison.OrdinalIgnoreCase)) : null;
if (chosen is null)
{
    Console.Error.WriteLine("usage: Metrics.Benchmarks <benchmark> [--option value ...]");
    foreach (var benchmark in benchmarks) Console.Error.WriteLine($"\n  {benchmark.Verb,-10} {benchmark.Summary}\n{benchmark.Options}");
    return 2;
}

try
{
    return await chosen.RunAsync(BenchmarkArguments.Parse(args[1..]));
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
