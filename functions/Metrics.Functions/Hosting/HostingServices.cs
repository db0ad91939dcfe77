using Metrics.Functions.Ingest;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Metrics.Functions.Hosting;

/// <summary>What every function relies on: JSON as the contract writes it, and the clock.</summary>
public static class HostingServices
{
    public static IServiceCollection AddHosting(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // A function's own logs, not the framework's line per request (the host logs every invocation already).
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning));
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, IngestJsonContext.Default));
        // Tests move time for a worker in another process through a shared clock file; nowhere else is time anything but the system's.
        if (environment.IsEnvironment(ClockFile.Environment) && configuration[ClockFile.Setting] is { Length: > 0 } path)
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new ClockFile(path)));
        else
            services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
