using Metrics.Storage;
using Metrics.Storage.Azurite;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Hosting;

/// <summary>
/// With <c>UseDevelopmentStorage=true</c> and no host, start Azurite on its usual ports (data kept in
/// <c>.azurite/</c> beside the app), or reuse the one already listening there.
/// </summary>
internal sealed partial class DevelopmentStorage(IOptions<StorageOptions> options, IHostEnvironment environment,
    ILogger<DevelopmentStorage> logger) : IHostedService, IAsyncDisposable
{
    private AzuriteProcess? _azurite;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.UsesDevelopmentStorage || FunctionsHost.IsHosted) return;
        var azurite = new AzuriteOptions(Location: Path.Combine(environment.ContentRootPath, ".azurite"));
        if (AzuriteLauncher.IsListening(azurite))
        {
            LogReusing(logger);
            return;
        }
        LogStarting(logger, azurite.Location!);
        _azurite = await AzuriteLauncher.StartAsync(azurite, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
        _azurite = null;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Reusing the Azurite already listening on 127.0.0.1:10000/10002")]
    private static partial void LogReusing(ILogger logger);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Starting Azurite (data in {Location})")]
    private static partial void LogStarting(ILogger logger, string location);
}
