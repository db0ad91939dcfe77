using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>
/// Ten days of traffic, loaded the way it arrives: a first week ingested and compacted; three days later
/// three more days plus late events into the first week, left dirty (as if compaction had not run yet).
/// The clock then stands just after the 02:00 nightly schedule, when most of the first week is past raw
/// retention. The same instance loads identical data into any number of apps.
/// </summary>
internal sealed class TrafficHistory
{
    public static readonly DateTimeOffset FirstIngest = new(2025, 4, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset SecondIngest = FirstIngest.AddDays(3);
    public static readonly DateTimeOffset NightlyAt = new(2025, 4, 8, 2, 0, 30, TimeSpan.Zero);

    /// <summary>Hours before this are past the 7-day raw retention at <see cref="NightlyAt"/>.</summary>
    public static readonly DateTimeOffset RawCutoff = new(2025, 4, 1, 2, 0, 0, TimeSpan.Zero);

    /// <summary>A query window covering all of it.</summary>
    public static readonly DateTimeOffset From = FirstIngest.AddDays(-6);
    public static readonly DateTimeOffset To = new(2025, 4, 8, 2, 0, 0, TimeSpan.Zero);

    private readonly List<SentRequest> _firstRequests;
    private readonly List<SentUsage> _firstUsage;
    private readonly List<SentRequest> _secondRequests;
    private readonly List<SentUsage> _secondUsage;

    public TrafficHistory(int perHour = 6)
    {
        _firstRequests = Traffic.Requests("a", Traffic.Hours(FirstIngest.AddDays(-6), FirstIngest, every: 6), perHour, seed: 11);
        _firstUsage = Traffic.Usage("a", Traffic.Hours(FirstIngest.AddDays(-6), FirstIngest, every: 12), 3, seed: 12);
        _secondRequests = Traffic.Requests("b", Traffic.Hours(SecondIngest.AddDays(-3).AddHours(1), SecondIngest, every: 4), perHour, seed: 13)
            .Concat(Traffic.Requests("late", Traffic.Hours(FirstIngest.AddDays(-4), FirstIngest.AddDays(-1), every: 12), 2, seed: 14)).ToList();
        _secondUsage = Traffic.Usage("b", Traffic.Hours(SecondIngest.AddDays(-3).AddHours(1), SecondIngest, every: 8), 2, seed: 15)
            .Concat(Traffic.Usage("late", Traffic.Hours(FirstIngest.AddDays(-4), FirstIngest.AddDays(-1), every: 24), 1, seed: 16)).ToList();
    }

    public IReadOnlyList<SentRequest> Requests => [.. _firstRequests, .. _secondRequests];
    public IReadOnlyList<SentUsage> Usage => [.. _firstUsage, .. _secondUsage];

    /// <summary>A clock at <see cref="FirstIngest"/>, for <see cref="LoadAsync"/>.</summary>
    public static SharedClock Clock() => new(FirstIngest);

    /// <summary>Ingests everything through HTTP, compacting after the first week, and leaves the clock at <see cref="NightlyAt"/>.</summary>
    public async Task LoadAsync(TestApp app, SharedClock time)
    {
        time.SetUtcNow(FirstIngest);
        await app.SendAsync(_firstRequests);
        await app.SendAsync(_firstUsage);
        await app.CompactAsync();

        time.SetUtcNow(SecondIngest);
        await app.SendAsync(_secondRequests);
        await app.SendAsync(_secondUsage);

        time.SetUtcNow(NightlyAt);
    }
}
