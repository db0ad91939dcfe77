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

    public static string RawEvents(EventKind kind) => kind == EventKind.Requests ? RequestEvents : UsageEvents;

    /// <summary>One table per family and grain: <c>RollupsEndpointDays</c>, <c>RollupsUserHours</c>, …</summary>
    public static string Rollups(string family, Grain grain) => $"Rollups{Families.NameOf(family)}{grain}s";

    /// <summary>Every rollup table, requests' families first.</summary>
    public static IEnumerable<string> AllRollups =>
        Families.RequestFamilies.Concat(Families.UsageFamilies).SelectMany(f => Enum.GetValues<Grain>().Select(g => Rollups(f, g)));
}
