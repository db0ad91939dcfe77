namespace Metrics.Functions.Security;

/// <summary>
/// Who is calling and with which roles, resolved once per request from API keys and, when trusted, the
/// App Service principal. A function that needs it (to record who asked) calls <see cref="Of"/>.
/// </summary>
/// <param name="Org">The organisation an <see cref="CallerRoles.OrgAdmin"/> is bound to.</param>
public sealed record Caller(string Name, IReadOnlySet<string> Roles, string? Org = null)
{
    public const string AnonymousName = "anonymous";
    private static readonly object ItemKey = new();

    public static Caller Anonymous { get; } = new(AnonymousName, new HashSet<string>());

    /// <summary>False for a request that proved nothing: no known key and no trusted principal.</summary>
    public bool IsIdentified => !ReferenceEquals(this, Anonymous);

    public bool IsIn(string role) => Roles.Contains(role);

    /// <summary>The org every answer to this caller is kept to; null for a caller who may see every org.</summary>
    public string? RestrictedToOrg => IsIn(CallerRoles.Admin) || IsIn(CallerRoles.Finance) ? null : Org;

    /// <summary>The caller of this request; resolved on first use and kept in <see cref="HttpContext.Items"/>.</summary>
    public static Caller Of(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var known) && known is Caller caller) return caller;
        caller = context.RequestServices.GetRequiredService<CallerResolver>().Resolve(context.Request);
        context.Items[ItemKey] = caller;
        return caller;
    }
}
