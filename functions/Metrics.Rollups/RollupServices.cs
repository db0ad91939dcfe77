using Metrics.Core.Retention;
using Metrics.Rollups.Compaction;
using Metrics.Rollups.Ingest;
using Metrics.Rollups.Queries;
using Metrics.Rollups.Retention;
using Metrics.Rollups.Tables;
using Metrics.Storage.Locks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Metrics.Rollups;

/// <summary>The rollup engine's registrations and the options it binds (docs/api.md, "Configuration").</summary>
public static class RollupServices
{
    /// <summary>
    /// Registers the engine on the storage account <c>AddMetricsStorage()</c> registers, binding <see cref="RollupOptions"/>
    /// (section <c>Storage</c>), <see cref="RetentionOptions"/> (<c>Retention</c>), <see cref="AlertOptions"/> (<c>Alerts</c>)
    /// and <see cref="EndpointLimitOptions"/> (<c>Ingest</c>). Its entry points: <see cref="IngestWriter"/>,
    /// <see cref="RollupQueries"/>, <see cref="RollupCompaction"/>, <see cref="NightlyRun"/>, and <see cref="RawRows"/> for
    /// the incident export. The nightly run also prunes the audit log and the exports, so the app registers those too.
    /// </summary>
    public static IServiceCollection AddRollups(this IServiceCollection services)
    {
        services.AddOptions<RollupOptions>().BindConfiguration("Storage").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration("Retention").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AlertOptions>().BindConfiguration("Alerts").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EndpointLimitOptions>().BindConfiguration("Ingest").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<RawDayTables>();
        services.AddSingleton<RawRows>();
        services.AddSingleton<PartialRowCache>();
        services.AddSingleton<RollupStore>();
        services.AddSingleton<DirtyHours>();
        services.AddSingleton<BatchLedger>();
        services.AddSingleton<FinalisedHours>();
        services.AddSingleton<SourceFreshness>();
        services.AddSingleton<EndpointCatalog>();
        services.AddSingleton<EndpointLimiter>();
        services.AddSingleton<HourFolds>();
        // Compaction takes a run lock; AddMetricsStorage() registers the same one for the app.
        services.TryAddSingleton<RunLock>();

        services.AddSingleton<IngestWriter>();
        services.AddSingleton<RollupQueries>();
        services.AddSingleton<RollupCompaction>();
        services.AddSingleton<StorageEstimate>();
        services.AddSingleton<NightlyRun>();
        return services;
    }
}
