namespace Metrics.Core.Queries;

/// <summary>The whole hours a response covers: <c>from</c> inclusive, <c>to</c> exclusive.</summary>
public sealed record RangeDto(DateTimeOffset From, DateTimeOffset To)
{
    public static RangeDto Of(QueryWindow window) => new(window.From, window.To);
}
