using Metrics.LocalHost.Worker;

namespace Metrics.LocalHost.Http;

/// <summary>
/// Serves each HTTP function at its route (the host's route prefix, then the trigger's route template) for the methods
/// its trigger declares, as the Functions host does: any other method of a function's path is not forwarded.
/// </summary>
internal static class HttpFunctionEndpoints
{
    public static IEnumerable<string> MapHttpFunctions(this IEndpointRouteBuilder app, AppWorker worker, HttpFunctionInvoker invoker, string routePrefix)
    {
        var served = new List<string>();
        foreach (var function in worker.Functions)
        {
            if (function.Http is not { } trigger) continue;
            var pattern = "/" + string.Join('/', new[] { routePrefix, trigger.Route.Trim('/') }.Where(part => part.Length > 0));
            app.MapMethods(pattern, trigger.Methods, context => invoker.InvokeAsync(context, function)).WithDisplayName(function.Name);
            served.Add($"{function.Name}: [{string.Join(',', trigger.Methods)}] {pattern}");
        }
        return served;
    }
}
