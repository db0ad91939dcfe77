using Metrics.Storage.Admin;
using Metrics.Storage.Beacons;
using Metrics.Storage.Locks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Metrics.Storage;

/// <summary>The storage account and the stores every area shares (docs/api.md, "Configuration").</summary>
public static class StorageServices
{
    /// <summary>
    /// Registers the storage account (section <c>Storage</c>; the connection falls back to <c>AzureWebJobsStorage</c>, as
    /// the Functions host's own storage) and the shared stores on it as singletons: admin tables, the audit log, visitor
    /// salts and run locks. The rollup engine and the exports register their own (<c>AddRollups</c>, <c>AddExports</c>).
    /// </summary>
    public static IServiceCollection AddMetricsStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration("Storage")
            .Configure<IConfiguration>((storage, configuration) => storage.ConnectionString ??= configuration["AzureWebJobsStorage"])
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new StorageAccount(provider.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<VisitorSalts>();
        services.AddSingleton<RunLock>();
        services.AddSingleton<RosterStore>();
        services.AddSingleton<PriceStore>();
        services.AddSingleton<AuditLog>();
        return services;
    }
}
