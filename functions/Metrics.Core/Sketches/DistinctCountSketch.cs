using System.Numerics;

namespace Metrics.Core.Sketches;

/// <summary>
/// Counts distinct items (visitors, sessions, paths) mergeably. Up to <see cref="ExactLimit"/> distinct items
/// it keeps their 64-bit hashes, so small counts, the common case for a single hour of a single page, are exact
/// (barring a 64-bit hash collision). Past that it switches for good to a HyperLogLog with 2^14 registers:
/// fixed size, about 0.8% standard error.
/// </summary>
/// <remarks>
/// The state after any sequence of adds and merges depends only on the set of items seen, not on the order:
/// exact while the union holds at most <see cref="ExactLimit"/> hashes, otherwise the register-wise maximum over
/// every hash. That is what makes <see cref="Merge"/> commutative and associative, byte for byte.
/// Not thread-safe: give each writer its own sketch and merge them.
/// </remarks>
public sealed partial class DistinctCountSketch
{
    public const int ExactLimit = 4096;

    /// <summary>log2 of the register count; pinned by format version 1.</summary>
    public const int Precision = 14;

    internal const int RegisterCount = 1 << Precision;

    /// <summary>
    /// The standard error of the HyperLogLog estimate relative to the true count, 1.04 / √(2^<see cref="Precision"/>) = 0.8125%
    /// (Flajolet et al.); 0 while <see cref="IsExact"/>.
    /// </summary>
    public const double RelativeStandardError = 1.04 / 128;

    /// <summary>A register holds 1 + the leading zeros of the 50 hash bits left after the register index.</summary>
    internal const int MaxRegisterValue = 64 - Precision + 1;

    // Exactly one of these is non-null: the hashes while exact, the registers once dense.
    private HashSet<ulong>? _hashes = [];
    private byte[]? _registers;

    public bool IsExact => _hashes is not null;

    public void Add(string item)
    {
        ArgumentNullException.ThrowIfNull(item);
        AddHash(DistinctItemHash.Of(item));
    }

    public void Merge(DistinctCountSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
        {
            return;
        }

        if (other._hashes is { } theirHashes)
        {
            foreach (var hash in theirHashes)
            {
                AddHash(hash);
            }

            return;
        }

        var ours = Densify();
        var theirs = other._registers!;
        for (var i = 0; i < ours.Length; i++)
        {
            ours[i] = Math.Max(ours[i], theirs[i]);
        }
    }

    /// <summary>The exact count while <see cref="IsExact"/>, otherwise the HyperLogLog estimate, rounded.</summary>
    public long Estimate() => _hashes is { } hashes
        ? hashes.Count
        : (long)Math.Round(HyperLogLogEstimate.Of(_registers!, Precision));

    internal void AddHash(ulong hash)
    {
        if (_hashes is null)
        {
            Update(_registers!, hash);
        }
        else if (_hashes.Add(hash) && _hashes.Count > ExactLimit)
        {
            Densify();
        }
    }

    private byte[] Densify()
    {
        if (_registers is { } registers)
        {
            return registers;
        }

        registers = new byte[RegisterCount];
        foreach (var hash in _hashes!)
        {
            Update(registers, hash);
        }

        _registers = registers;
        _hashes = null;
        return registers;
    }

    private static void Update(byte[] registers, ulong hash)
    {
        var index = (int)(hash >> (64 - Precision));

        // The sentinel bit caps the count when the remaining bits are all zero, giving at most MaxRegisterValue.
        var rest = (hash << Precision) | (1UL << (Precision - 1));
        var value = (byte)(BitOperations.LeadingZeroCount(rest) + 1);
        if (value > registers[index])
        {
            registers[index] = value;
        }
    }
}
