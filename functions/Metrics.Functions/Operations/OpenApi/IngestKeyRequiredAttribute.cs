namespace Metrics.Functions.Operations.OpenApi;

/// <summary>The function takes an ingestion key in <c>x-metrics-key</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IngestKeyRequiredAttribute : Attribute;
