using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Hosting;

/// <summary>RFC 9457 problems, each with a stable <c>type</c> a client can branch on (docs/problems.md).</summary>
public static class Problems
{
    public static ProblemHttpResult Of(int status, string type, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: $"urn:metrics-functions:problem:{type}", extensions: extensions);

    public static ProblemHttpResult Unauthorized(string detail) =>
        Of(StatusCodes.Status401Unauthorized, "unauthorized", "Credentials are missing or not recognised", detail);

    public static ProblemHttpResult Forbidden(string detail) =>
        Of(StatusCodes.Status403Forbidden, "forbidden", "Not allowed", detail);

    /// <summary>A 503 with <c>Retry-After</c>: the service cannot take the request now, and the same request later will do.</summary>
    public static ProblemHttpResult RetryLater(HttpResponse response, int retryAfterSeconds, string type, string title, string detail)
    {
        response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Of(StatusCodes.Status503ServiceUnavailable, type, title, detail);
    }

    /// <summary>A file the app serves (the dashboard, the tracker) missing from the deployment.</summary>
    public static ProblemHttpResult NotDeployed(string what) =>
        Of(StatusCodes.Status404NotFound, "not-found", $"{what} is not deployed", $"{what} is not part of this deployment: publish the app with its files (infra/README.md).");
}
