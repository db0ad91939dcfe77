namespace Metrics.Core.Queries;

/// <summary>The width of a time-series point.</summary>
public enum Interval { Hour, Day }
