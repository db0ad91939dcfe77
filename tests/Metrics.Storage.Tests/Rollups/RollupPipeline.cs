using Metrics.Core;
using Metrics.Storage.Raw;
using Metrics.Storage.Retention;
using Metrics.Storage.Rollups;
using Microsoft.Extensions.Options;

namespace Metrics.Storage.Tests.Rollups;

/// <summary>The raw store, compaction and reader on one storage account, wired as the app wires them.</summary>
internal sealed record RollupPipeline(StorageAccount Storage, RawEventStore Store, DirtyHours Dirty, RollupCompactor Compactor, RollupReader Reader)
{
    public static RollupPipeline On(StorageAccount storage, TimeProvider time)
    {
        var dirty = new DirtyHours(storage);
        var raw = new RawEventReader(storage);
        var rollups = new RollupStore(storage);
        var finalized = new FinalizedHours(storage);
        return new RollupPipeline(storage,
            new RawEventStore(storage, dirty, new SourceFreshness(storage), finalized, Options.Create(new StorageOptions())), dirty,
            new RollupCompactor(raw, rollups, dirty, finalized, time, Options.Create(new RetentionOptions())),
            new RollupReader(rollups, raw, dirty, finalized));
    }
}
