using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;

namespace Metrics.Rollups.Tests;

/// <summary>The service family's answer, per service and model, as a query reads it and as the exact computation over the events gives it.</summary>
internal static class ServiceAnswers
{
    /// <summary>Per service and model: requests, server errors, total duration, units and distinct users.</summary>
    public static List<(string, long, long, long, long, long)> Expected(IEnumerable<RequestEvent> events) =>
        Measures(HourRollup.Of(events).Where(c => c.Key.Family == Families.Service).Select(c => (c.Key, c.Value)));

    public static async Task<List<(string, long, long, long, long, long)>> AnswerAsync(RollupEngine parts, QueryWindow window, Grain grain) =>
        Measures((await parts.ReadAsync([Families.Service], window, grain))[Families.Service].Select(s => (s.Key, s.Cell)));

    public static List<(string, long, long, long, long, long)> Measures(IEnumerable<(RollupKey Key, RequestCell Cell)> cells) =>
        cells.GroupBy(c => c.Key.JoinedValues).Select(g =>
        {
            var total = new RequestCell();
            foreach (var (_, cell) in g) total.Merge(cell);
            return (g.Key, total.Requests, total.ServerErrors, total.DurationMicros, total.Units, total.Users.Estimate());
        }).OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
}
