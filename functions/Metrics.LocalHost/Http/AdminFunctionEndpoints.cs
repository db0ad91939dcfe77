using Metrics.Core.Security;
using Metrics.LocalHost.Settings;
using Metrics.LocalHost.Timers;
using Metrics.LocalHost.Worker;

namespace Metrics.LocalHost.Http;

/// <summary>
/// <c>POST /admin/functions/{name}</c>: runs a function that has no HTTP trigger (a timer) now, as the Functions
/// host's admin API does. It takes the app's admin keys (<c>Auth:AdminKeys</c>, as <c>x-functions-key</c> or
/// <c>Authorization: Bearer</c>) where the host takes its master key, and answers when the run has ended: 200 with
/// its return value and logs, or 500 saying why it failed.
/// </summary>
internal static class AdminFunctionEndpoints
{
    public static void MapAdminFunctions(this IEndpointRouteBuilder app, AppWorker worker, TimerInvoker timers, AppSettings settings)
    {
        var adminKeys = new ApiKeys(settings["Auth:AdminKeys"]);
        app.MapPost("/admin/functions/{name}", async Task<IResult> (string name, HttpRequest request, CancellationToken cancellationToken) =>
        {
            if (!adminKeys.Accepts(Key(request)))
                return Problem(StatusCodes.Status401Unauthorized, "unauthorized", "Credentials are missing or not recognised",
                    "Send an admin key (Auth:AdminKeys) as 'x-functions-key' or 'Authorization: Bearer <key>'.");
            var runnable = worker.Functions.Where(f => f.Http is null).ToList();
            if (runnable.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is not { } function)
                return Problem(StatusCodes.Status404NotFound, "unknown-function", "No such function",
                    $"'{name}' is not a function this app runs by hand. Known: {string.Join(", ", runnable.Select(f => f.Name))}.");
            var run = await timers.RunAsync(function, isPastDue: false, last: null, next: null, cancellationToken);
            return TypedResults.Json(run, statusCode: run.Succeeded ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError);
        });
    }

    private static string? Key(HttpRequest request)
    {
        if (request.Headers["x-functions-key"].ToString() is { Length: > 0 } functionKey) return functionKey;
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: $"urn:metrics-functions:problem:{type}");
}
