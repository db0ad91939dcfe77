using Metrics.Core.Ingestion.Otlp;

namespace Metrics.Functions.Ingest;

/// <summary>The ingestion area's services and options (<c>Ingest</c>, <c>Sites</c>, <c>Otlp</c>); the write path itself is the rollup engine's.</summary>
public static class IngestServices
{
    public static IServiceCollection AddIngest(this IServiceCollection services)
    {
        services.AddOptions<IngestOptions>().BindConfiguration("Ingest")
            .Configure<IConfiguration>((ingest, configuration) => configuration.GetSection("Sites").Bind(ingest.Sites))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OtlpOptions>().BindConfiguration("Otlp").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BeaconSites>();
        services.AddSingleton<BeaconRateLimit>();
        services.AddSingleton<IngestInstruments>();
        return services;
    }
}
