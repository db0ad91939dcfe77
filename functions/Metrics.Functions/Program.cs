using Metrics.Functions.Hosting;

// One executable, two ways to run: as an Azure Functions custom handler behind the host, or by itself
// locally on http://127.0.0.1:7071 with Azurite and the timers it would otherwise get from the host.
var app = MetricsApp.Create(args);
await app.RunAsync();
