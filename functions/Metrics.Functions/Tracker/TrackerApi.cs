using Metrics.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Tracker;

/// <summary><c>GET /api/tracker.js</c>: the browser beacon script that sites include (functions/tracker).</summary>
public static class TrackerApi
{
    public const string ContentType = "application/javascript; charset=utf-8";

    /// <summary>Long enough to spare the function a request per page view, short enough that a fix reaches sites within the hour.</summary>
    public const string CacheControl = "public, max-age=3600";

    public static IEndpointRouteBuilder MapTrackerApi(this IEndpointRouteBuilder app)
    {
        // Read once, on first use: the script only changes with a deployment.
        var script = new Lazy<StaticContent?>(() => StaticContent.Load(Path.Combine(AppContext.BaseDirectory, "tracker", "metrics.js")));
        app.MapGet("/api/tracker.js", Results<FileContentHttpResult, NotFound> (HttpResponse response) =>
            {
                if (script.Value is not { } loaded) return TypedResults.NotFound();
                response.Headers.CacheControl = CacheControl;
                // A public script: pages may load it with crossorigin="anonymous" for Subresource Integrity.
                response.Headers.AccessControlAllowOrigin = "*";
                response.Headers.XContentTypeOptions = "nosniff";
                return TypedResults.Bytes(loaded.Content, ContentType, entityTag: loaded.ETag);
            })
            .WithTags("Tracker").WithName("TrackerScript").WithSummary("The browser beacon script sites include");
        return app;
    }
}
