using Metrics.Storage;
using Metrics.Azurite;

namespace Metrics.LocalHost.Settings;

/// <summary>
/// With <c>AzureWebJobsStorage=UseDevelopmentStorage=true</c>, a local run needs Azurite on its usual ports: reuse
/// the one listening there, or start one with its data in <c>.azurite/</c> beside the host (Core Tools leaves this
/// to the developer; this host does it so that one command runs the app).
/// </summary>
internal sealed partial class DevelopmentStorage(ILogger<DevelopmentStorage> logger) : IAsyncDisposable
{
    private AzuriteProcess? _azurite;

    public async Task StartAsync(AppSettings settings, string contentRoot, CancellationToken cancellationToken)
    {
        var storage = new StorageOptions { ConnectionString = settings["AzureWebJobsStorage"], AccountName = settings["Storage:AccountName"] };
        if (!storage.UsesDevelopmentStorage) return;
        var azurite = new AzuriteOptions(Location: Path.Combine(contentRoot, ".azurite"));
        if (AzuriteLauncher.IsListening(azurite))
        {
            LogReusing(logger);
            return;
        }
        LogStarting(logger, azurite.Location!);
        _azurite = await AzuriteLauncher.StartAsync(azurite, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
        _azurite = null;
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Reusing the Azurite already listening on 127.0.0.1:10000/10002")]
    private static partial void LogReusing(ILogger logger);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Starting Azurite (data in {Location})")]
    private static partial void LogStarting(ILogger logger, string location);
}
