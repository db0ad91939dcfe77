namespace Metrics.Functions.Tests.Queries;

/// <summary>The shape of generated traffic. Every number is a knob so a test can ask for exactly the data it needs.</summary>
internal sealed record TrafficOptions
{
    public int Seed { get; init; } = 1;
    public int Requests { get; init; } = 6_000;
    public int UsageEvents { get; init; } = 3_000;
    public int Users { get; init; } = 400;
    public int AnonymousVisitors { get; init; } = 25;
    /// <summary>Numbers anonymous browsers from here, so that traffic sets sent on different days never share one.</summary>
    public int FirstAnonymousVisitor { get; init; }

    /// <summary>Events are stamped in [End - Span, End), to the millisecond.</summary>
    public DateTimeOffset End { get; init; }
    public TimeSpan Span { get; init; } = TimeSpan.FromDays(6);

    /// <summary>Whole hours (their starts) that get no events at all.</summary>
    public IReadOnlyCollection<DateTimeOffset> QuietHours { get; init; } = [];

    public IReadOnlyList<string> Services { get; init; } = TrafficGenerator.AllServices;
    public double ClientErrorShare { get; init; } = 0.05;
    public double ServerErrorShare { get; init; } = 0.02;
    /// <summary>Share of requests whose latency comes from the Pareto tail instead of the log-normal body.</summary>
    public double TailShare { get; init; } = 0.03;
    public double LatencySigma { get; init; } = 0.8;
    public double NoUserShare { get; init; } = 0.1;
    public double SignedInUsageShare { get; init; } = 0.6;
    /// <summary>Draw users one after another (every user appears) instead of a skewed popularity.</summary>
    public bool EveryUser { get; init; }
}
