using Azure.Identity;
using Microsoft.ApplicationInsights.Extensibility;

namespace Metrics.Functions.Operations;

/// <summary>
/// What the operations functions report (per-function latency, the timers' last runs), and, where the app has an
/// Application Insights resource, the worker's own telemetry sent to it.
/// </summary>
public static class OperationsServices
{
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<FunctionLatency>().AddSingleton<TimerRuns>();
        // Only where there is somewhere to send it (Azure): locally and in tests it would collect for nobody.
        if (!string.IsNullOrEmpty(configuration[ApplicationInsightsSetting]))
        {
            services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
            // The resource takes Entra-authenticated telemetry only (infra/main.bicep): sign in as the app's identity.
            if (configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]?.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase) == true)
                services.Configure<TelemetryConfiguration>(telemetry => telemetry.SetAzureTokenCredential(new DefaultAzureCredential()));
        }
        return services;
    }
}
