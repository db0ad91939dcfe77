using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Metrics.Functions.Security;

/// <summary>Which roles each function requires, read once from the <see cref="RequiresRoleAttribute"/> on its method or class.</summary>
public sealed class FunctionRoles
{
    private readonly Dictionary<string, RequiresRoleAttribute?> _byFunction = AppFunctions.All()
        .ToDictionary(f => f.Name, f => f.Method.GetCustomAttribute<RequiresRoleAttribute>() ?? f.Method.DeclaringType!.GetCustomAttribute<RequiresRoleAttribute>(),
            StringComparer.Ordinal);

    public IReadOnlyList<string> Of(string function) => _byFunction.GetValueOrDefault(function)?.Roles ?? [];

    /// <summary>Whether an allowed call of the function is audited (<see cref="RequiresRoleAttribute.Audited"/>).</summary>
    public bool Audits(string function) => _byFunction.GetValueOrDefault(function)?.Audited ?? true;
}
