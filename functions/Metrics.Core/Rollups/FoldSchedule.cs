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
    /// <param name="packedSince">When the hour's oldest pack was started; null when it has none.</param>
    /// <param name="mergeEvery">How long packs gather before a merge; zero merges at every run.</param>
    /// <param name="packFull">The open pack could take no more in one write: merging empties it.</param>
    public static bool MergeDue(DateTimeOffset hour, DateTimeOffset cutoff, DateTimeOffset? packedSince, TimeSpan mergeEvery, bool packFull = false) =>
        packedSince is { } since && (packFull || hour.AddHours(1) <= cutoff || cutoff - since >= mergeEvery);
}
