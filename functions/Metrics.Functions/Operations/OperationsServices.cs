using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Metrics.Functions.Operations.Telemetry;
using Metrics.Storage;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Metrics.Functions.Operations;

/// <summary>
/// The app's self-measurement (docs/operations.md): its instruments, on <see cref="System.Diagnostics.Metrics"/> and
/// <see cref="System.Diagnostics.ActivitySource"/>, collected by OpenTelemetry; metrics served to Prometheus at
/// <c>/api/ops/metrics</c>, and, where the app has an Application Insights resource, metrics and traces sent to Azure
/// Monitor too, traces sampled (<see cref="TraceSamplingOptions"/>). Logs stay with the Functions host, which forwards the
/// worker's logs itself.
/// </summary>
public static class OperationsServices
{
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddOptions<TraceSamplingOptions>().BindConfiguration(TraceSamplingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ServiceInstruments>().AddSingleton<OperationalState>().AddSingleton<PrometheusScrape>();
        var azureMonitor = configuration[ApplicationInsightsSetting] is { Length: > 0 } connection ? connection : null;

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("metrics-functions"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ServiceInstruments.Name, StorageTelemetry.Name).AddPrometheusExporter(prometheus =>
                {
                    // No cache: a scrape right after an action sees it (the default serves one collection for 300 ms).
                    prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
                    // Counters are per process: with the instance on every series, instances scraped through one URL
                    // stay apart, and sum by () adds them up (docs/operations.md).
                    prometheus.ResourceConstantLabels = attribute => attribute == "service.instance.id";
                });
                if (azureMonitor is not null) metrics.AddAzureMonitorMetricExporter(monitor => Configure(monitor, azureMonitor, configuration));
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(ServiceInstruments.Name, StorageTelemetry.Name);
                // Before any exporter: it marks failed and slow spans for export before the exporters look.
                tracing.AddProcessor(sp => new KeepFailedAndSlowSpans(Sampling(sp)));
                if (azureMonitor is not null) tracing.AddAzureMonitorTraceExporter(monitor => Configure(monitor, azureMonitor, configuration));
                // After the exporter, which sets a sampler of its own (everything, by default): the last one set is used.
                tracing.SetSampler(sp => new TraceSampler(Sampling(sp)));
            });
        // Only where there is somewhere to send them (Azure): the state gauges are read from storage once a minute for
        // the exporter, as a scrape reads them for Prometheus.
        if (azureMonitor is not null) services.AddHostedService<OperationalStateRefresh>();
        return services;
    }

    private static TraceSamplingOptions Sampling(IServiceProvider services) => services.GetRequiredService<IOptions<TraceSamplingOptions>>().Value;

    private static void Configure(AzureMonitorExporterOptions monitor, string connection, IConfiguration configuration)
    {
        monitor.ConnectionString = connection;
        // The resource takes Entra-authenticated telemetry only (infra/main.bicep): sign in as the app's identity.
        if (configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]?.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase) == true)
            monitor.Credential = new DefaultAzureCredential();
    }
}
