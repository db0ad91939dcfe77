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

/// <summary>The query's time range: <c>range</c>, or <c>from</c> and <c>to</c> (docs/api.md, "Queries").</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class QueryRangeAttribute : Attribute;

/// <summary>The body the function reads, its shape and the content types it takes.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequestBodyAttribute(Type shape, params string[] contentTypes) : Attribute
{
    public Type Shape { get; } = shape;
    public IReadOnlyList<string> ContentTypes { get; } = contentTypes;
}

/// <summary>The problem statuses the function answers besides those its typed results and roles imply.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProblemResponsesAttribute(params int[] statuses) : Attribute
{
    public IReadOnlyList<int> Statuses { get; } = statuses;
}

/// <summary>An answer its typed results do not describe: a file, text, or JSON with a status of its own.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ResponseContentAttribute(int status, string contentType, Type? shape = null) : Attribute
{
    public int Status { get; } = status;
    public string ContentType { get; } = contentType;
    public Type? Shape { get; } = shape;
}

/// <summary>The function takes an ingestion key in <c>x-metrics-key</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IngestKeyRequiredAttribute : Attribute;
