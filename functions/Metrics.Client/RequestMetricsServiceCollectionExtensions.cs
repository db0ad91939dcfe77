using Metrics.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// In Microsoft's namespace, as Microsoft's own AddX methods are: builder.Services.AddRequestMetrics() needs no using.
namespace Microsoft.Extensions.DependencyInjection;

public static class RequestMetricsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the metrics client, bound from configuration section <c>RequestMetrics</c> (then <paramref name="configure"/>),
    /// and its flush at shutdown. Then <c>app.UseRequestMetrics()</c> records every request.
    /// </summary>
    public static IServiceCollection AddRequestMetrics(this IServiceCollection services, Action<RequestMetricsOptions>? configure = null)
    {
        var options = services.AddOptions<RequestMetricsOptions>().BindConfiguration(RequestMetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null) options.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(nameof(MetricsClient), http => http.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton(provider => new MetricsClient(
            provider.GetRequiredService<IOptions<RequestMetricsOptions>>().Value,
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(MetricsClient)),
            ServiceName(provider.GetRequiredService<IHostEnvironment>().ApplicationName),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<MetricsClient>>(),
            provider.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddHostedService<RequestMetricsFlush>();
        return services;
    }

    /// <summary>An application name as a service name: letters, digits, '.', '_' and '-', at most 64.</summary>
    private static string ServiceName(string applicationName)
    {
        var name = new string(applicationName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray()).Trim('-', '.', '_');
        return name.Length == 0 ? "service" : name[..Math.Min(name.Length, 64)];
    }

    /// <summary>At shutdown, sends what is buffered before the host goes.</summary>
    private sealed class RequestMetricsFlush(MetricsClient client) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken) => await client.DisposeAsync().ConfigureAwait(false);
    }
}
