namespace Metrics.Core.Ingestion;

/// <summary>What makes a parsed JSON value unsafe to read (<see cref="JsonHazards"/>): its kind, and where, in words.</summary>
public sealed record JsonHazard(RejectionCode Code, string Text)
{
    public override string ToString() => Text;
}
