namespace Metrics.Functions.Operations.OpenApi;

// What the OpenAPI document says of a function beyond its trigger (route, methods) and return type (its typed
// results): the parameters it reads from the query, its body, and the other answers it can give. Summaries and
// tags use ASP.NET Core's own [EndpointSummary] and [Tags].

/// <summary>
/// A query-string parameter the function reads. When its values are fixed, <paramref name="valuesOf"/> and
/// <paramref name="values"/> name the static list of them that the function checks against, so the document
/// lists exactly what the code accepts.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class QueryParameterAttribute(string name, string description, Type? valuesOf = null, string? values = null) : Attribute
{
    public string Name { get; } = name;
    public string Description { get; } = description;

    public IReadOnlyList<string> Allowed => valuesOf?.GetField(values!, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null)
        is IEnumerable<string> list ? list.ToList() : [];
}
