using System.Globalization;

namespace Metrics.Core.Exports;

/// <summary>One export: its query, its progress, and once done the manifest of the CSV it produced.</summary>
/// <param name="Attempts">How many runs have claimed it; each run writes a blob of its own.</param>
public sealed record ExportJob(
    string Id,
    ExportQuery Query,
    string Status,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    int Attempts = 0,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? CompletedAt = null,
    long? Rows = null,
    string? Sha256 = null,
    string? Blob = null,
    string? Error = null)
{
    public static ExportJob Queued(ExportQuery query, DateTimeOffset now, string createdBy) =>
        new(NewId(now), query, ExportStatus.Queued, now, createdBy);

    /// <summary>
    /// Ticks left until the end of time (fixed width, so text order is newest first) and a random suffix:
    /// the table lists jobs newest first with no sorting, and ids cannot be guessed from one another.
    /// </summary>
    public static string NewId(DateTimeOffset createdAt) =>
        $"{(DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>Whether <paramref name="id"/> has the shape <see cref="NewId"/> gives, so it can go into a key or a path.</summary>
    public static bool IsWellFormedId(string id) =>
        id.Length == 32 && id[19] == '-' && id[..19].All(char.IsAsciiDigit) && id[20..].All(char.IsAsciiHexDigitLower);
}
