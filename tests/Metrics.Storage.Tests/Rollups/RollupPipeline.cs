using Metrics.Core;
using Metrics.Core.Retention;
using Metrics.Storage.Raw;
using Metrics.Storage.Retention;
using Metrics.Storage.Rollups;
using Microsoft.Extensions.Options;

namespace Metrics.Storage.Tests.Rollups;

/// <summary>The raw store, compaction and reader on one storage account, wired as the app wires them.</summary>
internal sealed record RollupPipeline(StorageAccount Storage, RawEventStore Store, DirtyHours Dirty, RollupCompactor Compactor, RollupReader Reader)
{
    /// <param name="foldDelay">How old partials must be to be folded (<see cref="StorageOptions.FoldDelay"/>); none by default,
    /// as for a clock that stands still.</param>
    public static RollupPipeline On(StorageAccount storage, TimeProvider time, TimeSpan foldDelay = default)
    {
        var options = Options.Create(new StorageOptions { FoldDelay = foldDelay });
        var dirty = new DirtyHours(storage);
        var raw = new RawEventReader(storage);
        var rollups = new RollupStore(storage, new PartialRowCache());
        var finalized = new FinalizedHours(storage);
        return new RollupPipeline(storage,
            new RawEventStore(storage, new RollupStore(storage, new PartialRowCache()), dirty, new SourceFreshness(storage), finalized, time, options), dirty,
            new RollupCompactor(raw, rollups, new HourFolds(storage), dirty, finalized, time, Options.Create(new RetentionOptions()), options),
            new RollupReader(rollups, raw, dirty, finalized));
    }
}
