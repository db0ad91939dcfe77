using System.Globalization;

namespace Metrics.Rollups.Tables;

/// <summary>
/// A point in ingestion time (UTC ticks) that folding is measured by. A partial row was received at one; a settled
/// hour row is folded to one (every partial of its key received before it is in the row); a pack covers partials
/// received before one. <see cref="End"/> is past every time: the rows of a finalised or recomputed hour hold every
/// partial there will ever be.
/// </summary>
public readonly record struct FoldPosition(long Ticks) : IComparable<FoldPosition>
{
    public static readonly FoldPosition Start = new(0);
    public static readonly FoldPosition End = new(long.MaxValue);

    public static FoldPosition At(DateTimeOffset time) => new(time.UtcTicks);

    public bool IsEnd => Ticks == long.MaxValue;

    /// <summary>The next tick: a pack covering partials up to one received at this position covers up to the next.</summary>
    public FoldPosition Next => new(Ticks + 1);

    public DateTimeOffset Time => new(Ticks, TimeSpan.Zero);

    /// <summary>Nineteen digits, so that key order is time order.</summary>
    public string ToKey() => Ticks.ToString("D19", CultureInfo.InvariantCulture);

    public static FoldPosition ParseKey(ReadOnlySpan<char> digits) => new(long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture));

    public static FoldPosition Max(FoldPosition a, FoldPosition b) => a.Ticks >= b.Ticks ? a : b;

    public int CompareTo(FoldPosition other) => Ticks.CompareTo(other.Ticks);

    public static bool operator <(FoldPosition a, FoldPosition b) => a.Ticks < b.Ticks;
    public static bool operator >(FoldPosition a, FoldPosition b) => a.Ticks > b.Ticks;
    public static bool operator <=(FoldPosition a, FoldPosition b) => a.Ticks <= b.Ticks;
    public static bool operator >=(FoldPosition a, FoldPosition b) => a.Ticks >= b.Ticks;
}
