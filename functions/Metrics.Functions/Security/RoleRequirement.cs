using Metrics.Functions.Hosting;
using Metrics.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Metrics.Functions.Security;

/// <summary>
/// Admin and finance endpoints: <c>group.RequireRoles(CallerRoles.Admin)</c> or
/// <c>endpoint.RequireRoles(CallerRoles.Finance, CallerRoles.Admin)</c> (any one of the roles will do).
/// 401 without identity, 403 without the role, and every call is written to the audit table once the
/// handler's status is known.
/// </summary>
public static class RoleRequirement
{
    private static readonly object AuditedKey = new();
    private static readonly object DeniedKey = new();

    public static TBuilder RequireRoles<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentOutOfRangeException.ThrowIfZero(roles.Length);
        string[] problemJson = ["application/problem+json"];
        builder.WithMetadata(
            new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ProblemDetails), problemJson),
            new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ProblemDetails), problemJson));
        return builder.AddEndpointFilter((context, next) => CheckAsync(context, next, roles));
    }

    private static async ValueTask<object?> CheckAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, string[] roles)
    {
        var http = context.HttpContext;
        var caller = Caller.Of(http);
        // When a group and its endpoint both require roles, each checks but only the outermost writes the audit row.
        var audits = http.Items.TryAdd(AuditedKey, true);
        object? result;
        if (!caller.IsIdentified)
            result = Deny(http, Problems.Unauthorized("Send an API key as 'Authorization: Bearer <key>'."));
        else if (!roles.Any(caller.IsIn))
            result = Deny(http, Problems.Forbidden($"This needs the role {string.Join(" or ", roles.Select(r => $"'{r}'"))}."));
        else
        {
            try
            {
                result = await next(context);
            }
            catch (Exception e) when (audits && e is not OperationCanceledException && !StorageFault.IsUnavailable(e))
            {
                await CallAudit.WriteAsync(http, caller, StatusCodes.Status500InternalServerError, denied: false);
                throw;
            }
        }
        if (audits) await CallAudit.WriteAsync(http, caller, StatusOf(result, http), denied: http.Items.ContainsKey(DeniedKey));
        return result;
    }

    private static IResult Deny(HttpContext http, IResult problem)
    {
        http.Items[DeniedKey] = true;
        return problem;
    }

    private static int StatusOf(object? result, HttpContext http)
    {
        while (result is INestedHttpResult nested) result = nested.Result;
        return result is IStatusCodeHttpResult { StatusCode: { } status } ? status : http.Response.StatusCode;
    }
}
