using Metrics.Functions.Exports;
using Metrics.Functions.Hosting;
using Metrics.Functions.Ingest;
using Metrics.Functions.Operations;
using Metrics.Functions.Operations.Telemetry;
using Metrics.Functions.Queries;
using Metrics.Functions.Security;
using Metrics.Rollups;
using Metrics.Storage;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The function app, a .NET isolated worker: the Functions host (or Metrics.LocalHost, its stand-in) starts this
// process and sends it invocations. Each area registers its services and binds its options beside its functions.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

builder.Services
    .AddMetricsStorage()
    .AddRollups()
    .AddHosting(builder.Configuration, builder.Environment)
    .AddSecurity()
    .AddIngest()
    .AddQueries()
    .AddExports()
    .AddOperations(builder.Configuration);

// Outermost first: every invocation is traced and measured; failures become problems; roles are checked and audited.
builder.UseMiddleware<InvocationTelemetry>();
builder.UseMiddleware<FailureProblems>();
builder.UseMiddleware<RoleRequirement>();

builder.Build().Run();
