using Metrics.Core;
using Metrics.Functions.Admin;
using Metrics.Functions.Ingest;
using Metrics.Functions.Operations;
using Metrics.Functions.Queries;
using Metrics.Functions.Security;
using Metrics.Functions.Timers;
using Metrics.Functions.Tracker;
using Metrics.Storage;
using Metrics.Storage.Raw;
using Metrics.Storage.Retention;
using Metrics.Storage.Rollups;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Hosting;

/// <summary>Builds the handler: configuration, services and every function's endpoint.</summary>
public static class MetricsApp
{
    /// <param name="customize">Lets tests replace services (time) and settings before the app is built.</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddLocalSettings(builder.Environment);
        ListenWhereTheHostExpects(builder);
        AddServices(builder.Services);
        customize?.Invoke(builder);

        var app = builder.Build();
        app.Use(FunctionLatency.MeasureAsync);
        app.UseExceptionHandler();
        app.UseRateLimiter();
        app.MapOpenApi("/api/openapi.json");
        app.MapOperationsApi();
        app.MapDashboardApi();
        app.MapTrackerApi();
        app.MapIngestApi();
        app.MapTimerFunctions();
        app.MapAdminApi();
        app.MapQueryApi();
        app.MapExportApi();
        return app;
    }

    private static void AddServices(IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration("Storage")
            .Configure<IConfiguration>((storage, configuration) => storage.ConnectionString ??= configuration["AzureWebJobsStorage"])
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IngestOptions>().BindConfiguration("Ingest")
            .Configure<IConfiguration>((ingest, configuration) => configuration.GetSection("Sites").Bind(ingest.Sites))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration("Auth")
            .Configure<IConfiguration>((auth, configuration) => auth.AdminGroups = configuration["ADMIN_GROUPS"] ?? auth.AdminGroups);
        services.AddOptions<RetentionOptions>().BindConfiguration("Retention").ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new StorageAccount(provider.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<DirtyHours>();
        services.AddSingleton<RawEventStore>();
        services.AddSingleton<VisitorSalts>();
        services.AddSingleton<SourceFreshness>();
        services.AddSingleton<RawEventReader>();
        services.AddSingleton<RollupStore>();
        services.AddSingleton<RollupReader>();
        services.AddSingleton<RollupCompactor>();
        services.AddSingleton<QueryData>();
        services.AddSingleton<QuerySources>();
        services.AddHostedService<DevelopmentStorage>();

        services.AddSingleton<IngestKeys>();
        services.AddSingleton<BatchAcceptance>();
        services.AddSingleton<BeaconSites>();
        services.AddSingleton<IngestCounters>();
        services.AddSingleton<FunctionLatency>();
        services.AddCallerRoles();
        services.AddAdminStores();
        services.AddExports();
        services.AddBeaconRateLimit();

        services.AddSingleton<TimerRunner>();
        services.AddSingleton<ITimerFunction, RollupCompactionFunction>();
        services.AddSingleton<ITimerFunction, NightlyAggregationFunction>();
        services.AddSingleton<NightlyAggregation>();
        services.AddSingleton<FinalizedHours>();
        services.AddSingleton<RunLock>();
        services.AddOptions<AlertOptions>().BindConfiguration("Alerts").ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<LocalTimerScheduler>();

        services.AddProblemDetails();
        services.AddExceptionHandler<StorageOutageHandler>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, IngestJsonContext.Default));
        services.AddOpenApi();
    }

    /// <summary>
    /// Under the Functions host: loopback at the port it chose. Alone: ASPNETCORE_URLS or --urls if given,
    /// else the port Core Tools uses, so URLs are the same either way.
    /// </summary>
    private static void ListenWhereTheHostExpects(WebApplicationBuilder builder)
    {
        if (FunctionsHost.Port is { } port) builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        else if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])) builder.WebHost.UseUrls(FunctionsHost.LocalUrl);
    }
}
