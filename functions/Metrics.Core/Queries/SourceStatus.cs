using Metrics.Core.Ingestion;

namespace Metrics.Core.Queries;

/// <summary>Whether a source's data covers the range: <c>complete</c>, <c>partial</c> or <c>missing</c>.</summary>
public sealed record SourceStatus(string Name, string Status, string Detail)
{
    /// <summary>
    /// A source is <c>missing</c> when it has no event in the range, <c>partial</c> when its data begins after the range
    /// does (it started reporting later, or older data was pruned), else <c>complete</c>. Hours without traffic inside
    /// covered time are not gaps: an idle service reports nothing.
    /// </summary>
    /// <param name="firstHour">The first hour the source has data for, if any (read only when it has data in the range).</param>
    /// <param name="note">What else a person should know of the source's data in this answer, added to its detail.</param>
    public static SourceStatus Of(EventKind kind, QueryWindow window, bool hasData, DateTimeOffset? firstHour, string? note = null)
    {
        var name = kind.Name();
        var status = !hasData ? new SourceStatus(name, "missing", $"No {name} events between {window.From:O} and {window.To:O}.")
            : firstHour > window.From
                ? new SourceStatus(name, "partial", $"{name} data begins at {firstHour:O}; earlier hours of the range have none (the source started later, or its data was pruned).")
                : new SourceStatus(name, "complete", $"{name} data covers the whole range.");
        return string.IsNullOrEmpty(note) ? status : status with { Detail = $"{status.Detail} {note}" };
    }
}
