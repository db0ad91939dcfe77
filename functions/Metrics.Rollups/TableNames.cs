using System.Globalization;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;

namespace Metrics.Rollups;

/// <summary>The engine's tables (before the configured prefix; docs/architecture.md, "Rollups").</summary>
public static class TableNames
{
    public const string RequestEvents = "RequestEvents";
    public const string UsageEvents = "UsageEvents";
    public const string DirtyHours = "DirtyHours";
    public const string Batches = "Batches";
    public const string Endpoints = "Endpoints";
    public const string Sources = "Sources";
    /// <summary>Finalised hours and the finalisation boundary; the table keeps the name it was created with.</summary>
    public const string FinalisedHours = "FinalizedHours";
    public const string NightlyRuns = "NightlyRuns";

    /// <summary>
    /// The single raw table each kind had before raw rows moved to one table per day: no longer written, still read and
    /// swept by the nightly run until the rows it held have passed raw retention.
    /// </summary>
    public static string RawEvents(EventKind kind) => kind == EventKind.Requests ? RequestEvents : UsageEvents;

    /// <summary>
    /// The raw table of one UTC day of event time, <c>RequestEvents20261207</c>: rows that expire together live together,
    /// so the nightly run deletes a day by deleting its table (Azure's "high volume delete pattern").
    /// </summary>
    public static string RawEvents(EventKind kind, DateOnly day) => RawEvents(kind) + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The complete batches received on one UTC day, <c>Batches20261207</c> (<c>BatchLedger</c>): they expire together.</summary>
    public static string CompleteBatches(DateOnly day) => Batches + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The day tables among <paramref name="names"/> (<paramref name="prefix"/> then <c>yyyyMMdd</c>), with their days.</summary>
    public static IEnumerable<(string Name, DateOnly Day)> DayTables(IEnumerable<string> names, string prefix)
    {
        foreach (var name in names)
            if (name.Length == prefix.Length + 8 && name.StartsWith(prefix, StringComparison.Ordinal)
                && DateOnly.TryParseExact(name.AsSpan(prefix.Length), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                yield return (name, day);
    }

    /// <summary>One table per family and grain: <c>RollupsEndpointDays</c>, <c>RollupsUserHours</c>, …</summary>
    public static string Rollups(string family, Grain grain) => $"Rollups{Families.NameOf(family)}{grain}s";

    /// <summary>Every rollup table, requests' families first.</summary>
    public static IEnumerable<string> AllRollups =>
        Families.RequestFamilies.Concat(Families.UsageFamilies).SelectMany(f => Enum.GetValues<Grain>().Select(g => Rollups(f, g)));
}
