using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Rollups.Tests;

/// <summary>The engine on one storage account and clock, wired as the app wires it (<c>AddRollups()</c>), with its parts at hand.</summary>
internal sealed class RollupEngine(ServiceProvider services) : IDisposable
{
    public StorageAccount Storage => services.GetRequiredService<StorageAccount>();
    public IngestWriter Writer => services.GetRequiredService<IngestWriter>();
    public DirtyHours Dirty => services.GetRequiredService<DirtyHours>();
    public FinalisedHours Finalised => services.GetRequiredService<FinalisedHours>();
    public RollupCompaction Compaction => services.GetRequiredService<RollupCompaction>();
    public RollupQueries Queries => services.GetRequiredService<RollupQueries>();
    public RollupStore Store => services.GetRequiredService<RollupStore>();
    public HourFolds Folds => services.GetRequiredService<HourFolds>();

    /// <param name="foldDelay">How old partials must be to be folded (<see cref="RollupOptions.FoldDelay"/>); none by default,
    /// as for a clock that stands still.</param>
    public static RollupEngine On(StorageAccount storage, TimeProvider time, TimeSpan foldDelay = default, int shards = RollupOptions.DefaultShards)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:FoldDelay"] = foldDelay.ToString(),
            ["Storage:Shards"] = shards.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        return new RollupEngine(new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSingleton(time).AddSingleton(storage)
            .AddRollups().BuildServiceProvider());
    }

    /// <summary>Stores events as if they had passed the acceptance window (the writer is still asked to read them twice for late ones).</summary>
    public async Task<WriteOutcome> WriteAsync(IReadOnlyList<RequestEvent> events, DateTimeOffset receivedAt) =>
        await Writer.WriteRequestsAsync(_ => new IngestBatch<RequestEvent>(events, 0, []), receivedAt);

    /// <summary>Stores events that must all be acknowledged.</summary>
    public async Task StoreAsync(IReadOnlyList<RequestEvent> events, DateTimeOffset receivedAt) =>
        Assert.IsType<WriteOutcome.Stored>(await WriteAsync(events, receivedAt));

    public async Task<IReadOnlyDictionary<string, List<RollupSlice<RequestCell>>>> ReadAsync(IReadOnlyList<string> families, QueryWindow window, Grain grain) =>
        (await Queries.RequestsAsync(window, grain, families)).Families;

    public void Dispose() => services.Dispose();
}
