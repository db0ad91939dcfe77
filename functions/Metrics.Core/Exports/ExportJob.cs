using System.Globalization;

namespace Metrics.Core.Exports;

/// <summary>The exports finance can ask for (docs/api.md, "Exports").</summary>
public static class ExportKinds
{
    public const string Breakdown = "breakdown";
    public const string FinanceMonthToDate = "finance-mtd";
    public const string FinanceMonth = "finance-month";
    public const string Incident = "incident";

    public static readonly IReadOnlyList<string> All = [Breakdown, FinanceMonthToDate, FinanceMonth, Incident];

    /// <summary>The kinds whose rows are <see cref="FinanceRow"/>s.</summary>
    public static bool IsFinance(string kind) => kind is FinanceMonthToDate or FinanceMonth;
}

/// <summary>Where an export job is: queued → running → succeeded or failed.</summary>
public static class ExportStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>
/// What an export contains, fixed when it is asked for: a month-to-date export asked on the 3rd covers
/// up to the 3rd however late it runs, and running it again (after a crash) gives the same rows.
/// </summary>
/// <param name="From">Inclusive.</param>
/// <param name="To">Exclusive.</param>
/// <param name="Org">The one organisation the export is kept to (its CSV then lies under that org's folder), or null for all.</param>
public sealed record ExportQuery(string Kind, string? By, string? Service, DateTimeOffset From, DateTimeOffset To, string? Org = null);

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
