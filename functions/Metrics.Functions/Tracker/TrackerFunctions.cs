using Metrics.Functions.Hosting;
using Metrics.Functions.Operations.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Tracker;

/// <summary><c>GET /api/tracker.js</c>: the browser beacon script that sites include (functions/tracker).</summary>
public sealed class TrackerFunctions
{
    public const string ContentType = "application/javascript; charset=utf-8";

    /// <summary>Long enough to spare the function a request per page view, short enough that a fix reaches sites within the hour.</summary>
    public const string CacheControl = "public, max-age=3600";

    // Read once, on first use: the script only changes with a deployment.
    private static readonly Lazy<StaticContent?> Script = new(() => MinifiedScript.Load(Path.Combine(AppContext.BaseDirectory, "tracker", "metrics.js")));

    [Function("TrackerScript")]
    [EndpointSummary("The browser beacon script sites include"), Tags("Tracker")]
    [ResponseContent(StatusCodes.Status200OK, "application/javascript")]
    public static Results<FileContentHttpResult, ProblemHttpResult> TrackerScript([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/tracker.js")] HttpRequest request)
    {
        if (Script.Value is not { } script) return Problems.NotDeployed("The tracker script");
        var headers = request.HttpContext.Response.Headers;
        headers.CacheControl = CacheControl;
        // A public script: pages may load it with crossorigin="anonymous" for Subresource Integrity.
        headers.AccessControlAllowOrigin = "*";
        headers.XContentTypeOptions = "nosniff";
        return TypedResults.Bytes(script.Content, ContentType, entityTag: script.ETag);
    }
}
