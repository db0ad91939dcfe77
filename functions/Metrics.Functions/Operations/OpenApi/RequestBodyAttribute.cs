namespace Metrics.Functions.Operations.OpenApi;

/// <summary>The body the function reads, its shape and the content types it takes.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequestBodyAttribute(Type shape, params string[] contentTypes) : Attribute
{
    public Type Shape { get; } = shape;
    public IReadOnlyList<string> ContentTypes { get; } = contentTypes;
}
