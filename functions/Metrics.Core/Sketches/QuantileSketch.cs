namespace Metrics.Core.Sketches;

/// <summary>
/// A mergeable latency distribution in the style of DDSketch: every value lands in a logarithmic bucket, so any
/// quantile comes back within 1% relative error however skewed the data, and two sketches merge by adding bucket
/// counts. Buckets are never collapsed, which keeps merging exact (associative and commutative) at the cost of
/// one bucket per 2% of value range: 0.01 ms to 10 minutes is about 900 buckets.
/// </summary>
/// <remarks>
/// Count, Min and Max are exact. Sum is a double, so it is exact up to floating-point rounding: adding is
/// commutative but, as for any double, merging (a + b) + c may differ from a + (b + c) in the last bits.
/// Values below <see cref="MinTrackedValue"/> count as zero. An empty sketch reports 0 for Min, Max, Average and
/// every quantile, rather than NaN, because 0 serializes and charts without special cases.
/// Not thread-safe: give each writer its own sketch and merge them.
/// </remarks>
public sealed partial class QuantileSketch
{
    /// <summary>The guaranteed bound on |estimate - exact| / exact for <see cref="Quantile"/>.</summary>
    public const double RelativeAccuracy = LogarithmicBuckets.RelativeAccuracy;

    /// <inheritdoc cref="LogarithmicBuckets.MinTrackedValue"/>
    public const double MinTrackedValue = LogarithmicBuckets.MinTrackedValue;

    // Slack added when the bucket array grows, so a run of slowly widening values does not copy on every add.
    private const int GrowthSlack = 64;

    // _counts[i] is the count of bucket _firstIndex + i; zero means the bucket is empty.
    private long[] _counts = [];
    private int _firstIndex;
    private double _min;
    private double _max;

    public long Count { get; private set; }

    public double Sum { get; private set; }

    public double Min => Count == 0 ? 0 : _min;

    public double Max => Count == 0 ? 0 : _max;

    public double Average => Count == 0 ? 0 : Sum / Count;

    internal long ZeroCount { get; private set; }

    public void Add(double value) => Add(value, 1);

    /// <summary>Records <paramref name="value"/> <paramref name="count"/> times; a count of 0 changes nothing.</summary>
    public void Add(double value, long count)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Values must be finite and non-negative.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return;
        }

        // -0.0 passes the sign check above; folding it into +0.0 keeps Min from ever reporting a negative zero.
        value += 0.0;
        if (value < MinTrackedValue)
        {
            ZeroCount = checked(ZeroCount + count);
        }
        else
        {
            var index = LogarithmicBuckets.IndexOf(value);
            Cover(index, index);
            _counts[index - _firstIndex] = checked(_counts[index - _firstIndex] + count);
        }

        Record(count, value * count, value, value);
    }

    public void Merge(QuantileSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
        {
            return;
        }

        // Read the other side's range before growing ours: other may be this very sketch.
        var otherCounts = other._counts;
        var otherFirst = other._firstIndex;
        if (otherCounts.Length > 0)
        {
            Cover(otherFirst, otherFirst + otherCounts.Length - 1);
        }

        for (var i = 0; i < otherCounts.Length; i++)
        {
            if (otherCounts[i] != 0)
            {
                var slot = otherFirst + i - _firstIndex;
                _counts[slot] = checked(_counts[slot] + otherCounts[i]);
            }
        }

        ZeroCount = checked(ZeroCount + other.ZeroCount);
        Record(other.Count, other.Sum, other._min, other._max);
    }

    /// <summary>
    /// The value at rank floor(q * (Count - 1)) of the sorted values (the "lower" quantile: always one of the
    /// recorded values, never an interpolation), within <see cref="RelativeAccuracy"/> and clamped into
    /// [Min, Max]. q = 0 and q = 1 return Min and Max exactly. Values counted as zero come back as Min.
    /// </summary>
    public double Quantile(double q)
    {
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "Quantiles run from 0 to 1.");
        }

        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Floor(q * (Count - 1));
        if (rank == 0)
        {
            return _min;
        }

        if (rank == Count - 1)
        {
            return _max;
        }

        var seen = ZeroCount;
        if (rank < seen)
        {
            return _min;
        }

        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (rank < seen)
            {
                return Math.Clamp(LogarithmicBuckets.ValueOf(_firstIndex + i), _min, _max);
            }
        }

        throw new InvalidOperationException("Bucket counts do not add up to Count.");
    }

    /// <summary>The non-empty buckets in ascending order, excluding the zero bucket.</summary>
    internal IEnumerable<(int Index, long Count)> Buckets()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] != 0)
            {
                yield return (_firstIndex + i, _counts[i]);
            }
        }
    }

    private void Record(long count, double sum, double min, double max)
    {
        _min = Count == 0 ? min : Math.Min(_min, min);
        _max = Count == 0 ? max : Math.Max(_max, max);
        Count = checked(Count + count);
        Sum += sum;
    }

    /// <summary>Grows the bucket array so it spans bucket indexes <paramref name="low"/> to <paramref name="high"/>.</summary>
    private void Cover(int low, int high)
    {
        var lastIndex = _firstIndex + _counts.Length - 1;
        if (_counts.Length > 0 && low >= _firstIndex && high <= lastIndex)
        {
            return;
        }

        var newFirst = _counts.Length == 0 ? low - GrowthSlack : Math.Min(low, _firstIndex);
        var newLast = _counts.Length == 0 ? high + GrowthSlack : Math.Max(high, lastIndex);
        if (_counts.Length > 0)
        {
            // Grow by at least half again, on the side that needed it, so repeated growth stays amortized O(1).
            var slack = Math.Max(GrowthSlack, _counts.Length / 2);
            newFirst = low < _firstIndex ? newFirst - slack : newFirst;
            newLast = high > lastIndex ? newLast + slack : newLast;
        }

        newFirst = Math.Max(newFirst, LogarithmicBuckets.MinIndex);
        newLast = Math.Min(newLast, LogarithmicBuckets.MaxIndex);
        var grown = new long[newLast - newFirst + 1];
        if (_counts.Length > 0)
        {
            _counts.CopyTo(grown, _firstIndex - newFirst);
        }

        _counts = grown;
        _firstIndex = newFirst;
    }
}
