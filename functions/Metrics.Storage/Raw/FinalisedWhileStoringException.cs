namespace Metrics.Storage.Raw;

/// <summary>
/// Some events of a batch fall in hours the nightly run began finalising while the batch was being stored: their
/// rows are in storage, but the run may have read their hours without them. Nothing of the batch is acknowledged;
/// sent again, those events are refused with a reason and the others are stored once.
/// </summary>
public sealed class FinalisedWhileStoringException(string kind, DateTimeOffset boundary, int events)
    : Exception($"{events} {kind} events fall before {boundary:O}, the boundary the nightly run moved while they were being stored.")
{
    public string Kind { get; } = kind;
    public DateTimeOffset Boundary { get; } = boundary;
    public int Events { get; } = events;
}
