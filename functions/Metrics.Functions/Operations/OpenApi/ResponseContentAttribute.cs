namespace Metrics.Functions.Operations.OpenApi;

/// <summary>An answer its typed results do not describe: a file, text, or JSON with a status of its own.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ResponseContentAttribute(int status, string contentType, Type? shape = null) : Attribute
{
    public int Status { get; } = status;
    public string ContentType { get; } = contentType;
    public Type? Shape { get; } = shape;
}
