namespace Metrics.Core.Queries;

/// <summary>One row of a breakdown. Additive columns of all rows sum exactly to <see cref="BreakdownReport.Totals"/>.</summary>
public sealed record BreakdownRow(string Key, long Requests, long Errors, long ClientErrors, long ServerErrors, double ErrorRate,
    double ServerErrorRate, double AvgMs, double P95Ms, long Units, decimal Spend, double CpuMs, double GpuMs, long SyncRequests, long AsyncRequests,
    long Users, double Share);
