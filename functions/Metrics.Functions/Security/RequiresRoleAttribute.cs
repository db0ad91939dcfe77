namespace Metrics.Functions.Security;

/// <summary>
/// The roles that may call a function, any one of them (on the function's method or on its class). A caller without
/// identity gets 401, one without the role 403, and every call is written to the audit table (<see cref="RoleRequirement"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresRoleAttribute(params string[] roles) : Attribute
{
    public IReadOnlyList<string> Roles { get; } = roles.Length > 0 ? roles : throw new ArgumentException("Name at least one role.", nameof(roles));

    /// <summary>
    /// Whether an allowed call is written to the audit table (default yes). Off only for a read a machine repeats every
    /// few seconds and that changes nothing (the metrics scrape); a denied call is audited all the same.
    /// </summary>
    public bool Audited { get; init; } = true;
}
