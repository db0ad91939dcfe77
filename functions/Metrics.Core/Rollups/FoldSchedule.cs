namespace Metrics.Core.Rollups;

/// <summary>
/// When compaction merges an hour's packed partials into its settled rows. Packing every few seconds reads only the
/// partials written since the last run; merging reads every settled row of the hour (its keys: users, orgs, endpoints),
/// so it waits until packs have gathered for <c>mergeEvery</c>, or until the hour is over and its day can be merged.
/// </summary>
public static class FoldSchedule
{
    /// <param name="hour">The start of the hour.</param>
    /// <param name="cutoff">The fold's cutoff: partials received before it are folded.</param>
    /// <param name="oldestPack">The time the hour's oldest packed row covers up to; null when it has none.</param>
    /// <param name="mergeEvery">How long packs gather before a merge; zero merges at every run.</param>
    public static bool MergeDue(DateTimeOffset hour, DateTimeOffset cutoff, DateTimeOffset? oldestPack, TimeSpan mergeEvery) =>
        oldestPack is { } oldest && (hour.AddHours(1) <= cutoff || cutoff - oldest >= mergeEvery);
}
