using Metrics.Core;
using Metrics.Core.Queries;
using Metrics.Core.Retention;
using Metrics.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Queries;

/// <summary>
/// The hours a query covers, from its <c>range</c> or <c>from</c>/<c>to</c> (docs/api.md, "Queries"): read and checked
/// once for every query function, against now and the retention window.
/// </summary>
public sealed class QueryWindows(TimeProvider time, IOptions<RetentionOptions> retention)
{
    public (QueryWindow? Window, string? Error) Of(HttpRequest request) =>
        QueryRange.Parse(request.Query["range"], request.Query["from"], request.Query["to"], time.GetUtcNow(), retention.Value);

    /// <summary>The 400 that says why the request's range cannot be answered.</summary>
    public ProblemHttpResult Problem(HttpRequest request) =>
        Problems.Of(StatusCodes.Status400BadRequest, "invalid-range", "The range is not valid", Of(request).Error!);
}
