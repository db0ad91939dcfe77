namespace Metrics.Core.Queries;

/// <summary>The newest event a source has sent, and how far behind now that is.</summary>
public sealed record SourceLag(DateTimeOffset? LastEventAt, long? LagSeconds)
{
    public static SourceLag Of(DateTimeOffset? lastEventAt, DateTimeOffset now) =>
        lastEventAt is { } last ? new(last, (long)Math.Max(0, (now - last).TotalSeconds)) : new(null, null);
}
