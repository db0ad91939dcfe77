using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Tests.Shared;
using static Metrics.Rollups.Tests.Compaction.RollupCompactionTests;
using static Metrics.Rollups.Tests.ServiceAnswers;

namespace Metrics.Rollups.Tests.Compaction;

/// <summary>
/// Issue 26 §5: several instances compact one storage account at once. No run fails, and every answer counts every
/// stored event once, whichever run got where first.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConcurrentCompactionTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Three engines on one account, as three instances are: each its own caches, the same tables.</summary>
    private static List<RollupEngine> Instances(StorageAccount storage, SharedClock clock) =>
        Enumerable.Range(0, 3).Select(_ => RollupEngine.On(storage, clock)).ToList();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Three_compactions_started_at_once_never_fail_and_every_answer_stays_exact(int seed)
    {
        var random = new Random(seed);
        using var clock = new SharedClock(Hour.AddMinutes(5));
        var instances = Instances(azurite.NewStorage(), clock);
        var stored = new Dictionary<string, RequestEvent>();
        var batches = new List<List<RequestEvent>>();
        var next = 0;
        var ranAlone = 0;

        for (var round = 0; round < 12; round++)
        {
            // New batches through any instance, and now and then one sent again (through another).
            var batch = Enumerable.Range(next, random.Next(20, 120)).Select(i => Events.Request(i, RollupCalendar.HourOf(clock.GetUtcNow()),
                i % 3 == 0 ? "billing-api" : "orders-api")).ToList();
            next += batch.Count;
            batches.Add(batch);
            var replay = batches[random.Next(batches.Count)];
            await instances[random.Next(3)].StoreAsync(batch, clock.GetUtcNow());
            await instances[random.Next(3)].StoreAsync(replay, clock.GetUtcNow());
            foreach (var e in batch.Concat(replay)) stored.TryAdd(e.Id, e);
            clock.Advance(TimeSpan.FromTicks(1));

            var summaries = await Task.WhenAll(instances.Select(instance => instance.Compaction.RunAsync()));

            ranAlone += summaries.Count(s => !s.AlreadyRunning) == 1 ? 1 : 0;
            var window = new QueryWindow(Hour.AddDays(-1), QueryWindow.CeilingHour(clock.GetUtcNow()));
            foreach (var grain in Enum.GetValues<Grain>())
                Assert.True(Expected(stored.Values).SequenceEqual(await AnswerAsync(instances[round % 3], window, grain)),
                    $"seed {seed}, round {round}, {grain}: answer differs from the exact one");
            // Minutes pass: packs are merged every few, hours and then the day end, so every step meets itself.
            clock.Advance(TimeSpan.FromMinutes(random.Next(1, 40)));
        }

        Assert.True(ranAlone > 0, "the lock never kept two runs apart");
        foreach (var instance in instances) instance.Dispose();
    }

    /// <summary>
    /// Below the lock: as if its lease had lapsed under a stalled run, three folds of the same hours go at once, while
    /// batches land. Each either does the step or yields it to the one that did; the hour ends exact with nothing left over.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Folds_of_one_hour_at_once_converge_and_count_every_event_once(int seed)
    {
        var random = new Random(seed);
        using var clock = new SharedClock(Hour.AddMinutes(5));
        var instances = Instances(azurite.NewStorage(), clock);
        var stored = new Dictionary<string, RequestEvent>();
        var next = 0;
        var day = new QueryWindow(Hour.AddHours(-10), Hour.AddHours(14));
        async Task WriteAsync(RollupEngine through)
        {
            var batch = Enumerable.Range(next, random.Next(10, 60)).Select(i => Events.Request(i, Hour, i % 2 == 0 ? "billing-api" : "orders-api")).ToList();
            next += batch.Count;
            await through.StoreAsync(batch, clock.GetUtcNow());
            lock (stored)
                foreach (var e in batch) stored.TryAdd(e.Id, e);
        }
        Task FoldAsync(RollupEngine through, TimeSpan mergeEvery) => Task.WhenAll(Families.RequestFamilies.Select(family =>
            through.Folds.FoldAsync(CellFormats.Requests, family, Hour, FoldPosition.At(clock.GetUtcNow()), mergeEvery)));

        for (var round = 0; round < 10; round++)
        {
            await WriteAsync(instances[0]);
            clock.Advance(TimeSpan.FromTicks(1));
            // Some rounds only pack; others merge too (as when the pack is old enough or the hour is over).
            var mergeEvery = random.Next(3) == 0 ? TimeSpan.Zero : TimeSpan.FromHours(1);
            await Task.WhenAll(instances.Select(instance => FoldAsync(instance, mergeEvery)).Append(WriteAsync(instances[1])));
            Assert.True(Expected(stored.Values).SequenceEqual(await AnswerAsync(instances[2], day, Grain.Hour)),
                $"seed {seed}, round {round}: answer differs from the exact one");
            clock.Advance(TimeSpan.FromSeconds(random.Next(1, 90)));
        }

        // One last fold alone, merging: nothing is left over and the hour rows alone hold every event.
        clock.Advance(TimeSpan.FromTicks(1));
        await FoldAsync(instances[0], TimeSpan.Zero);
        Assert.Empty(await PartialRowsAsync(instances[0]));
        Assert.True(Expected(stored.Values).SequenceEqual(await AnswerAsync(instances[1], day, Grain.Hour)), $"seed {seed}: after the last fold");
        foreach (var instance in instances) instance.Dispose();
    }
}
