namespace Metrics.Core.Exports;

/// <summary>
/// What an export contains, fixed when it is asked for: a month-to-date export asked on the 3rd covers
/// up to the 3rd however late it runs, and running it again (after a crash) gives the same rows.
/// </summary>
/// <param name="From">Inclusive.</param>
/// <param name="To">Exclusive.</param>
/// <param name="Org">The one organisation the export is kept to (its CSV then lies under that org's folder), or null for all.</param>
public sealed record ExportQuery(string Kind, string? By, string? Service, DateTimeOffset From, DateTimeOffset To, string? Org = null);
