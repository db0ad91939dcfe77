using Microsoft.AspNetCore.Diagnostics;

namespace Metrics.LocalHost.Http;

/// <summary>
/// The host's own refusals, as problems like the app's: a path no function serves (404) or a method its function does
/// not declare (405). Answers the functions write, bodies and all, pass through untouched.
/// </summary>
internal static class HostProblems
{
    public static IApplicationBuilder UseHostProblems(this IApplicationBuilder app) => app.UseStatusCodePages(WriteAsync);

    private static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var (type, title, detail) = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ("not-found", "No function serves this path",
                $"Nothing is served at '{http.Request.Path}'. The app's routes are listed in /api/openapi.json."),
            StatusCodes.Status405MethodNotAllowed => ("method-not-allowed", "The function does not take this method",
                $"'{http.Request.Path}' does not take {http.Request.Method}. /api/openapi.json lists each route's methods."),
            _ => (null, null, null),
        };
        if (type is null) return Task.CompletedTask;
        return TypedResults.Problem(detail, statusCode: http.Response.StatusCode, title: title, type: $"urn:metrics-functions:problem:{type}").ExecuteAsync(http);
    }
}
