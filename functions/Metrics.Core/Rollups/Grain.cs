namespace Metrics.Core.Rollups;

/// <summary>
/// How long a rollup row's time bucket is. As a read's grain: the coarsest bucket the answer may be built from
/// (Week for answers over the whole range, Day for daily series, Hour for hourly ones).
/// </summary>
public enum Grain { Hour, Day, Week }
