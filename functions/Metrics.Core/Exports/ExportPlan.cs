using Metrics.Core.Rollups;
using System.Globalization;
using Metrics.Core.Queries;
using Metrics.Core.Retention;

namespace Metrics.Core.Exports;

/// <summary>
/// Turns an export request into the query it will run, or into a message a person can act on. The
/// range is fixed here, at the time of asking, so the job's result does not depend on when it runs.
/// </summary>
public static class ExportPlan
{
    public static readonly TimeSpan MaxIncidentWindow = TimeSpan.FromHours(24);

    public static (ExportQuery? Query, string? Error) Of(ExportRequest request, DateTimeOffset now, RetentionOptions retention) => request.Kind switch
    {
        null or "" => Error($"'kind' is required: one of {string.Join(", ", ExportKinds.All)}."),
        ExportKinds.Breakdown => Breakdown(request, now, retention),
        ExportKinds.FinanceMonthToDate => FinanceMonthToDate(request, now, retention),
        ExportKinds.FinanceMonth => FinanceMonth(request, now, retention),
        ExportKinds.Incident => Incident(request, now, retention),
        _ => Error($"'kind' must be one of {string.Join(", ", ExportKinds.All)}; got '{request.Kind}'."),
    };

    /// <summary>The first instant of the UTC month <paramref name="now"/> is in.</summary>
    public static DateTimeOffset MonthStart(DateTimeOffset now) => new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private static (ExportQuery?, string?) Breakdown(ExportRequest request, DateTimeOffset now, RetentionOptions retention)
    {
        var by = string.IsNullOrEmpty(request.By) ? "service" : request.By;
        if (!BreakdownReport.Dimensions.Contains(by))
            return Error($"'by' must be one of {string.Join(", ", BreakdownReport.Dimensions)}; got '{by}'.");
        var (window, error) = QueryRange.Parse(request.Range, request.From, request.To, now, retention);
        if (window is null) return Error(error!);
        var filter = new QueryFilter(Blank(request.Service), Org: Blank(request.Org));
        if (filter.Unsupported(BreakdownReport.FamilyOf(by, filter)) is { } why) return Error($"A breakdown by {by} cannot be kept to one org: {why}.");
        return (new ExportQuery(ExportKinds.Breakdown, by, filter.Service, window.From, window.To, filter.Org), null);
    }

    /// <summary>From the 1st of this month to now, widened to the end of the current hour as a breakdown query's range is.</summary>
    private static (ExportQuery?, string?) FinanceMonthToDate(ExportRequest request, DateTimeOffset now, RetentionOptions retention)
    {
        if (!string.IsNullOrEmpty(request.By) && request.By != "org")
            return Error($"A finance-mtd export is always per org and model; leave out 'by' (got '{request.By}').");
        if (FirstGiven(("from", request.From), ("to", request.To), ("range", request.Range), ("service", request.Service)) is { } extra)
            return Error($"A finance-mtd export always covers the current month to date, for every service; leave out '{extra}'.");
        var from = MonthStart(now);
        // Only when rollups are kept for less than a month: the month's first days are gone, as a breakdown query would also say.
        var earliest = RollupCalendar.HourOf(now.AddDays(-retention.RollupDays));
        return (new ExportQuery(ExportKinds.FinanceMonthToDate, "org", null, from < earliest ? earliest : from, QueryWindow.CeilingHour(now), Blank(request.Org)), null);
    }

    /// <summary>One closed UTC month, whole: what finance reconciles an invoice against.</summary>
    private static (ExportQuery?, string?) FinanceMonth(ExportRequest request, DateTimeOffset now, RetentionOptions retention)
    {
        if (!string.IsNullOrEmpty(request.By) && request.By != "org")
            return Error($"A finance-month export is always per org and model; leave out 'by' (got '{request.By}').");
        if (FirstGiven(("from", request.From), ("to", request.To), ("range", request.Range), ("service", request.Service)) is { } extra)
            return Error($"A finance-month export covers the whole month named by 'month', for every service; leave out '{extra}'.");
        var current = MonthStart(now);
        var example = current.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (string.IsNullOrEmpty(request.Month)) return Error($"A finance-month export needs 'month', a closed UTC month such as '{example}'.");
        if (!DateTimeOffset.TryParseExact(request.Month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var from))
            return Error($"'month' must be a month written yyyy-MM, such as '{example}'; got '{request.Month}'.");
        if (from >= current)
            return Error($"'{request.Month}' is not over yet: a finance-month export covers a closed month (the latest is {example}); for this month use finance-mtd.");
        var earliest = now.AddDays(-retention.RollupDays);
        if (from < earliest)
            return Error($"'{request.Month}' begins before rollup retention: rollups are kept {retention.RollupDays} days, so the earliest whole month starts after {earliest:yyyy-MM-dd}.");
        return (new ExportQuery(ExportKinds.FinanceMonth, "org", null, from, from.AddMonths(1), Blank(request.Org)), null);
    }

    /// <summary>The raw requests of one service in an exact window: raw rows exist only within raw retention.</summary>
    private static (ExportQuery?, string?) Incident(ExportRequest request, DateTimeOffset now, RetentionOptions retention)
    {
        if (string.IsNullOrWhiteSpace(request.Service)) return Error("An incident export needs 'service': the service whose requests to export.");
        if (FirstGiven(("by", request.By), ("range", request.Range), ("org", request.Org)) is { } extra)
            return Error($"An incident export takes 'service', 'from' and 'to'; leave out '{extra}'.");
        if (string.IsNullOrEmpty(request.From))
            return Error($"An incident export needs 'from' (and 'to', default now), at most {MaxIncidentWindow.TotalHours:0} hours apart.");
        if (!TryParse(request.From, out var from)) return Error($"'from' is not an ISO-8601 date and time: '{request.From}'.");
        var to = now;
        if (!string.IsNullOrEmpty(request.To) && !TryParse(request.To, out to)) return Error($"'to' is not an ISO-8601 date and time: '{request.To}'.");
        if (from >= to) return Error($"'from' ({from:O}) must be before 'to' ({to:O}).");
        if (to > now.AddMinutes(1)) return Error($"'to' ({to:O}) is in the future; the latest possible is now ({now:O}).");
        if (to - from > MaxIncidentWindow)
            return Error($"The window spans {(to - from).TotalHours:0.#} hours; an incident export covers at most {MaxIncidentWindow.TotalHours:0} hours. Export several windows instead.");
        var earliest = now.AddDays(-retention.RawDays);
        if (from < earliest)
            return Error($"'from' ({from:O}) is before raw retention: raw requests are kept {retention.RawDays} days, so the earliest is {earliest:O}. For older data use a breakdown export.");
        return (new ExportQuery(ExportKinds.Incident, null, request.Service, from, to), null);
    }

    private static string? FirstGiven(params (string Name, string? Value)[] fields) =>
        fields.FirstOrDefault(field => !string.IsNullOrEmpty(field.Value)).Name;

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool TryParse(string text, out DateTimeOffset at)
    {
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
        return ok && text.Length >= 10 && text[4] == '-';
    }

    private static (ExportQuery?, string?) Error(string message) => (null, message);
}
