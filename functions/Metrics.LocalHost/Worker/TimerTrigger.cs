namespace Metrics.LocalHost.Worker;

/// <summary>A timer trigger: its NCRONTAB schedule (six fields, UTC), as the metadata gives it.</summary>
public sealed record TimerTrigger(string Schedule);
