using Metrics.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Security;

/// <summary>Admin API keys, presented as <c>Authorization: Bearer</c> (or <c>x-functions-key</c>, as with Core Tools).</summary>
public sealed class AdminAccess(IOptions<AuthOptions> options)
{
    private readonly ApiKeys _keys = new(options.Value.AdminKeys);

    /// <summary>Null when the caller is an admin, else the 401 problem to answer.</summary>
    public ProblemHttpResult? Check(HttpRequest request)
    {
        var presented = BearerToken(request) ?? request.Headers["x-functions-key"].ToString();
        return _keys.Accepts(presented) ? null : Problems.Unauthorized("Send an admin key as 'Authorization: Bearer <key>'.");
    }

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
