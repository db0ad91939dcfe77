using Metrics.LocalHost;

// dotnet run --project functions/Metrics.LocalHost [-- --urls http://127.0.0.1:PORT] [--script-root <app directory>]
await using var host = await LocalFunctionsHost.StartAsync(args);
return await host.RunUntilStoppedAsync();
