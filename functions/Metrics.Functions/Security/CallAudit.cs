using Metrics.Storage.Admin;
using Microsoft.AspNetCore.Http.Extensions;

namespace Metrics.Functions.Security;

/// <summary>The audit row of one call that went through <see cref="RoleRequirement"/>.</summary>
internal static class CallAudit
{
    /// <summary>Functions keys may travel as <c>?code=</c>; a secret has no place in the audit.</summary>
    private const string FunctionKeyParameter = "code";

    public static Task WriteAsync(HttpContext http, Caller caller, int status, bool denied)
    {
        var request = http.Request;
        var services = http.RequestServices;
        var entry = new AuditEntry(caller.Name, caller.Roles, request.Method, $"{request.PathBase}{request.Path}", Query(request.Query), status,
            services.GetRequiredService<TimeProvider>().GetUtcNow(), Range(request.Query), denied ? AuditLog.Denied : AuditLog.Allowed, caller.Org);
        // Not the request's token: a call that happened is recorded even if its client has gone away meanwhile.
        return services.GetRequiredService<AuditLog>().AppendAsync(entry, CancellationToken.None);
    }

    private static string Query(IQueryCollection query) =>
        new QueryBuilder(query.Where(p => !p.Key.Equals(FunctionKeyParameter, StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(value => KeyValuePair.Create(p.Key, value ?? "")))).ToQueryString().Value ?? "";

    /// <summary>The time range a query asked for (docs/api.md, "Queries"): <c>range</c>, or <c>from/to</c>.</summary>
    private static string? Range(IQueryCollection query)
    {
        if (query["range"].ToString() is { Length: > 0 } range) return range;
        var from = query["from"].ToString();
        var to = query["to"].ToString();
        return from.Length > 0 || to.Length > 0 ? $"{from}/{to}" : null;
    }
}
