using System.Text.Json;
using System.Text.Json.Serialization;
using Metrics.Functions.Hosting;
using Metrics.Functions.Security;

namespace Metrics.Functions.Timers;

/// <summary>
/// How timers are invoked: by the Functions host (<c>POST /{Name}</c> with the custom-handler payload) and,
/// as with Core Tools, by an admin (<c>POST /admin/functions/{Name}</c>) to run one now.
/// </summary>
public static class TimerApi
{
    public static IEndpointRouteBuilder MapTimerFunctions(this IEndpointRouteBuilder app)
    {
        foreach (var function in app.ServiceProvider.GetServices<ITimerFunction>())
            app.MapPost($"/{function.Name}", (HttpRequest request, TimerRunner runner, CancellationToken cancellationToken) =>
                    InvokeAsync(function, request, runner, cancellationToken))
                .ExcludeFromDescription();

        app.MapPost("/admin/functions/{name}", async (string name, IEnumerable<ITimerFunction> functions,
                TimerRunner runner, TimeProvider time, CancellationToken cancellationToken) =>
            {
                if (functions.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is not { } function)
                    return Problems.Of(StatusCodes.Status404NotFound, "unknown-function", "No such timer function",
                        $"'{name}' is not a timer function. Known: {string.Join(", ", functions.Select(f => f.Name))}.");
                return await RespondAsync(() => runner.RunAsync(function, new TimerInvocation(time.GetUtcNow(), IsPastDue: false), cancellationToken));
            })
            .RequireRoles(CallerRoles.Admin).WithTags("Operations").WithSummary("Run a timer function now (admin)");
        return app;
    }

    private static async Task<IResult> InvokeAsync(ITimerFunction function, HttpRequest request, TimerRunner runner, CancellationToken cancellationToken)
    {
        var isPastDue = await ReadIsPastDueAsync(request, cancellationToken);
        return await RespondAsync(() => runner.RunAsync(function, new TimerInvocation(DateTimeOffset.UtcNow, isPastDue), cancellationToken));
    }

    /// <summary>
    /// Answers in the shape the host expects, also on failure: an empty body can leave the invocation
    /// unfinished, and a non-2xx status is what records the run as failed.
    /// </summary>
    private static async Task<IResult> RespondAsync(Func<Task<TimerResult>> run)
    {
        try
        {
            var result = await run();
            return TypedResults.Json(new InvocationResponse(new Dictionary<string, object>(), result.Logs, result.Summary), InvocationJson);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return TypedResults.Json(new InvocationResponse(new Dictionary<string, object>(), [$"failed: {e.Message}"], null), InvocationJson,
                statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    /// <summary>The host sends <c>{"Data":{"timer":{..., "IsPastDue":true}}}</c>; read it leniently.</summary>
    private static async Task<bool> ReadIsPastDueAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var payload = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            if (!payload.RootElement.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object) return false;
            foreach (var binding in data.EnumerateObject())
            {
                var timer = binding.Value.ValueKind == JsonValueKind.String ? JsonDocument.Parse(binding.Value.GetString()!).RootElement : binding.Value;
                if (timer.ValueKind == JsonValueKind.Object && timer.TryGetProperty("IsPastDue", out var pastDue))
                    return pastDue.ValueKind == JsonValueKind.True;
            }
        }
        catch (JsonException)
        {
            // A malformed or empty payload still runs the timer: the schedule is what matters.
        }
        return false;
    }

    private static readonly JsonSerializerOptions InvocationJson = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = null };

    private sealed record InvocationResponse(
        [property: JsonPropertyName("Outputs")] Dictionary<string, object> Outputs,
        [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
        [property: JsonPropertyName("ReturnValue")] object? ReturnValue);
}
