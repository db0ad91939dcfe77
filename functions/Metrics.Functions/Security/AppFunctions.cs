using System.Reflection;

namespace Metrics.Functions.Security;

/// <summary>This app's functions: each <c>[Function]</c> method and its name.</summary>
public static class AppFunctions
{
    public static IEnumerable<(string Name, MethodInfo Method)> All() =>
        typeof(AppFunctions).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(method => (Attribute: method.GetCustomAttribute<FunctionAttribute>(), Method: method))
            .Where(f => f.Attribute is not null)
            .Select(f => (f.Attribute!.Name, f.Method));
}
