using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Metrics.Client.Benchmarks            (all; add --job short for a quick look)
BenchmarkSwitcher.FromAssembly(typeof(Metrics.Client.Benchmarks.RequestPathCost).Assembly).Run(args.Length > 0 ? args : ["--filter", "*"]);
