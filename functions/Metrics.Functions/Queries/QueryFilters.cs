using Metrics.Core.Queries;
using Metrics.Functions.Hosting;
using Metrics.Functions.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Queries;

/// <summary>
/// A query's <c>service</c>, <c>endpoint</c>, <c>org</c> and <c>model</c> filters, kept to the caller's org when the
/// caller is an org admin: asking for another org is a 403 that says so, never an empty answer that looks like no traffic.
/// </summary>
internal static class QueryFilters
{
    /// <param name="families">The rollup families the answer reads with the filter: each must keep the filtered values in its keys.</param>
    public static (QueryFilter? Filter, ProblemHttpResult? Problem) Of(HttpRequest request, Func<QueryFilter, string[]> families)
    {
        var filter = new QueryFilter(Value(request, "service"), Value(request, "endpoint"), Value(request, "org"), Value(request, "model"));
        if (Caller.Of(request.HttpContext).RestrictedToOrg is { } own)
        {
            if (filter.Org is { } asked && asked != own)
                return (null, Problems.Forbidden($"This key reads the organisation '{own}' only; it may not read '{asked}'. Leave out 'org', or ask for '{own}'."));
            filter = filter with { Org = own };
        }
        return Check(filter, families(filter));
    }

    /// <summary>The filter, or a 400 naming what cannot be split by it and what can.</summary>
    public static (QueryFilter? Filter, ProblemHttpResult? Problem) Check(QueryFilter filter, params string[] families)
    {
        foreach (var family in families)
            if (filter.Unsupported(family) is { } why)
                return (null, Problems.Of(StatusCodes.Status400BadRequest, "unsupported-filter", "This answer cannot be filtered that way",
                    $"The filter cannot apply here: {why}. Org and model filters apply to the summary, endpoints, series, values, reliability and the breakdowns by " +
                    "service, endpoint, model and org; the org filter also to the breakdowns by user, membership and country."));
        return (filter, null);
    }

    private static string? Value(HttpRequest request, string name) => request.Query.TryGetValue(name, out var value) && value.ToString().Length > 0 ? value.ToString() : null;
}
