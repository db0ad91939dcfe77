namespace Metrics.Functions.Operations.OpenApi;

/// <summary>The problem statuses the function answers besides those its typed results and roles imply.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProblemResponsesAttribute(params int[] statuses) : Attribute
{
    public IReadOnlyList<int> Statuses { get; } = statuses;
}
