using Metrics.Core.Ingestion;
using Metrics.Rollups;
using Metrics.Rollups.Ingest;
using Metrics.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Benchmarks;

/// <summary>The rollup engine on a storage account, wired as the app wires it (<c>AddRollups()</c>), for benchmarks that load or read without HTTP.</summary>
internal static class Engine
{
    public static ServiceProvider On(StorageAccount storage) => new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()).AddSingleton(TimeProvider.System).AddSingleton(storage)
        .AddRollups().BuildServiceProvider();

    /// <summary>Stores generated events as the ingest function does once they passed its checks.</summary>
    public static async Task StoreAsync(this IngestWriter writer, IReadOnlyList<RequestEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        if (await writer.WriteRequestsAsync(_ => new IngestBatch<RequestEvent>(events, 0, []), receivedAt, cancellationToken) is not WriteOutcome.Stored)
            throw new InvalidOperationException("a generated batch was not stored whole");
    }
}
