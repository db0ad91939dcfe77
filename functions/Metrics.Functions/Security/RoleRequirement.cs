using Metrics.Functions.Hosting;
using Metrics.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Metrics.Functions.Security;

/// <summary>
/// Admin and finance functions: 401 without identity, 403 without one of the roles the function requires
/// (<see cref="RequiresRoleAttribute"/>), and every call written to the audit table once its status is known.
/// </summary>
internal sealed class RoleRequirement(FunctionRoles functions) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var roles = functions.Of(context.FunctionDefinition.Name);
        if (roles.Count == 0 || context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }

        var caller = Caller.Of(http);
        IResult? denied = null;
        if (!caller.IsIdentified) denied = Problems.Unauthorized("Send an API key as 'Authorization: Bearer <key>'.");
        else if (!roles.Any(caller.IsIn)) denied = Problems.Forbidden($"This needs the role {string.Join(" or ", roles.Select(r => $"'{r}'"))}.");
        if (denied is not null)
        {
            context.GetInvocationResult().Value = denied;
            await CallAudit.WriteAsync(http, caller, StatusOf(denied, http), denied: true);
            return;
        }

        if (!functions.Audits(context.FunctionDefinition.Name))
        {
            await next(context);
            return;
        }
        try
        {
            await next(context);
        }
        catch (Exception e) when (e is not OperationCanceledException && !StorageFault.IsUnavailable(e))
        {
            // A call that failed is recorded too, as the 500 it is answered with.
            await CallAudit.WriteAsync(http, caller, StatusCodes.Status500InternalServerError, denied: false);
            throw;
        }
        await CallAudit.WriteAsync(http, caller, StatusOf(context.GetInvocationResult().Value, http), denied: false);
    }

    /// <summary>The status the function's result will be written with (the result runs after the middleware).</summary>
    private static int StatusOf(object? result, HttpContext http)
    {
        while (result is INestedHttpResult nested) result = nested.Result;
        return result is IStatusCodeHttpResult { StatusCode: { } status } ? status : http.Response.StatusCode;
    }
}
