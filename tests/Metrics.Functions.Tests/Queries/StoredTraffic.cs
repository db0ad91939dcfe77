using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Queries;

/// <summary>An app holding some traffic in one storage state, on its own tables and fake clock.</summary>
internal sealed record StoredTraffic(string Name, TestApp App, SharedClock Time)
{
    public HttpClient Client => App.Client;

    public override string ToString() => Name;

    /// <summary>
    /// A test app on <paramref name="time"/>. Two raw shards instead of eight: generated traffic is spread thinly over
    /// days, and on Azurite every shard of every hour costs a transaction; queries read all shards either way.
    /// </summary>
    public static async Task<TestApp> StartAppAsync(SharedAzurite azurite, SharedClock time)
    {
        var app = await TestApp.StartAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Storage:Shards"] = "2" }, time);
        // Compacting days of traffic on a busy Azurite can outlast HttpClient's default 100 seconds.
        app.Client.Timeout = TimeSpan.FromMinutes(10);
        return app;
    }

    /// <summary>
    /// Stores <paramref name="traffic"/> in a new app, in one of three states: <b>live</b> (never compacted: every
    /// hour is dirty and recomputed from raw rows at query time), <b>compacted</b> (everything read from hour and
    /// day rollups) or <b>mixed</b> (compacted, then the <paramref name="lateHours"/> received half of their events
    /// late: those hours are dirty again, their rollups and their days' day rows stale).
    /// </summary>
    public static async Task<StoredTraffic> StoreAsync(SharedAzurite azurite, DateTimeOffset now, Traffic traffic, string state,
        IReadOnlyCollection<DateTimeOffset>? lateHours = null, IReadOnlyCollection<string>? members = null)
    {
        var time = new SharedClock(now);
        var app = await StartAppAsync(azurite, time);
        await app.Client.SetPricesAsync(TrafficGenerator.Prices);
        if (members is not null) await app.Client.SetRosterAsync(members);
        // Half the events of each late hour arrive after compaction: those hours have rollups, but stale ones, and are dirty.
        var lateHourSet = state == Mixed ? (lateHours ?? []).ToHashSet() : [];
        var lateRequests = traffic.Requests.Where((e, i) => i % 2 == 0 && lateHourSet.Contains(TrafficGenerator.HourOf(e.Timestamp))).ToHashSet();
        var lateUsage = traffic.Usage.Where((e, i) => i % 2 == 0 && lateHourSet.Contains(TrafficGenerator.HourOf(e.Timestamp))).ToHashSet();
        await Traffic.PostAsync(app.Client, traffic.Requests.Where(e => !lateRequests.Contains(e)), traffic.Usage.Where(e => !lateUsage.Contains(e)));
        if (state != Live) await app.RunCompactionAsync();
        await Traffic.PostAsync(app.Client, lateRequests, lateUsage);
        return new StoredTraffic(state, app, time);
    }

    public const string Live = "live";
    public const string Compacted = "compacted";
    public const string Mixed = "mixed";
}
