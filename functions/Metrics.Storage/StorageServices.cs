using Metrics.Core;
using Metrics.Core.Exports;
using Metrics.Core.Retention;
using Metrics.Storage.Admin;
using Metrics.Storage.Exports;
using Metrics.Storage.Raw;
using Metrics.Storage.Retention;
using Metrics.Storage.Rollups;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Metrics.Storage;

/// <summary>The product's tables and blobs, and the options they read (docs/api.md, "Configuration").</summary>
public static class StorageServices
{
    /// <summary>
    /// Registers the storage account and every store on it as singletons, with their options bound from configuration:
    /// <c>Storage</c> (the connection falls back to <c>AzureWebJobsStorage</c>, as the Functions host's own storage),
    /// <c>Retention</c>, <c>Alerts</c>, and <c>Exports</c>, whose retention the nightly run applies.
    /// </summary>
    public static IServiceCollection AddMetricsStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration("Storage")
            .Configure<IConfiguration>((storage, configuration) => storage.ConnectionString ??= configuration["AzureWebJobsStorage"])
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration("Retention").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AlertOptions>().BindConfiguration("Alerts").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ExportOptions>().BindConfiguration("Exports").ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new StorageAccount(provider.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<DirtyHours>();
        services.AddSingleton<FinalizedHours>();
        services.AddSingleton<SourceFreshness>();
        services.AddSingleton<VisitorSalts>();
        services.AddSingleton<EndpointCatalog>();
        services.AddSingleton<RawEventStore>();
        services.AddSingleton<RawEventReader>();
        services.AddSingleton<PartialRowCache>();
        services.AddSingleton<RollupStore>();
        services.AddSingleton<HourFolds>();
        services.AddSingleton<RollupReader>();
        services.AddSingleton<RollupCompactor>();
        services.AddSingleton<RunLock>();
        services.AddSingleton<NightlyAggregation>();
        services.AddSingleton<RosterStore>();
        services.AddSingleton<PriceStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ExportBlobs>();
        services.AddSingleton<ExportStore>();
        return services;
    }
}
