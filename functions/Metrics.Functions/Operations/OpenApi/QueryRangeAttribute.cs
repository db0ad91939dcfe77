namespace Metrics.Functions.Operations.OpenApi;

/// <summary>The query's time range: <c>range</c>, or <c>from</c> and <c>to</c> (docs/api.md, "Queries").</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class QueryRangeAttribute : Attribute;
