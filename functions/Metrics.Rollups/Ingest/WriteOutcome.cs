using Metrics.Core.Ingestion;

namespace Metrics.Rollups.Ingest;

/// <summary>What became of a batch given to <see cref="IngestWriter"/>: the caller answers by which one it is.</summary>
public abstract record WriteOutcome
{
    private WriteOutcome() { }

    /// <summary>Every accepted event is durably stored and will be counted once.</summary>
    /// <param name="FoldedIntoOther">Accepted request events counted under <see cref="EndpointLimit.Overflow"/>.</param>
    public sealed record Stored(string BatchId, int Accepted, int Duplicates, IReadOnlyList<Rejection> Rejected, int FoldedIntoOther) : WriteOutcome;

    /// <summary>No event of the batch is valid; nothing was written.</summary>
    public sealed record NothingValid(IReadOnlyList<Rejection> Rejected) : WriteOutcome;

    /// <summary>
    /// Some events fall before the boundary the nightly run moved while they were being stored: their rows are in storage,
    /// but the run may have read their hours without them. Nothing of the batch is acknowledged; sent again, those events
    /// are refused with a reason and the others are stored once.
    /// </summary>
    public sealed record HoursFinalisedMeanwhile(DateTimeOffset Boundary, int Events) : WriteOutcome;
}
