using Metrics.Core.Exports;
using Metrics.Storage.Exports;

namespace Metrics.Functions.Exports;

/// <summary>
/// The export area's services and options (section <c>Exports</c>): the export jobs and CSVs in storage, the in-process
/// queue of jobs and the background runner that produces them.
/// </summary>
public static class ExportServices
{
    public static IServiceCollection AddExports(this IServiceCollection services)
    {
        services.AddOptions<ExportOptions>().BindConfiguration("Exports").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ExportBlobs>();
        services.AddSingleton<ExportStore>();
        services.AddSingleton<ExportQueue>();
        services.AddSingleton<ExportProduction>();
        services.AddHostedService<ExportRunner>();
        return services;
    }
}
