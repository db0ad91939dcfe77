using System.Text;

namespace Metrics.Core.Sketches;

/// <summary>
/// The 64-bit hash <see cref="DistinctCountSketch"/> counts with: FNV-1a over the item's UTF-8 bytes, then the
/// MurmurHash3 64-bit finalizer. Serialized sketches hold these hashes (or registers derived from them), so the
/// hash must never change between processes, machines or releases; string.GetHashCode is randomized per process
/// and would make every stored sketch meaningless. FNV-1a alone spreads short, similar keys poorly in its high
/// bits, which HyperLogLog reads first; the finalizer's avalanche fixes that.
/// </summary>
/// <remarks>
/// Lone surrogates hash as U+FFFD, as <see cref="Encoding.UTF8"/> would encode them.
/// Changing anything here requires a new sketch format version.
/// </remarks>
internal static class DistinctItemHash
{
    private const ulong FnvOffsetBasis = 0xCBF29CE484222325;
    private const ulong FnvPrime = 0x00000100000001B3;

    public static ulong Of(string item)
    {
        var hash = FnvOffsetBasis;
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in item.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < length; i++)
            {
                hash = (hash ^ utf8[i]) * FnvPrime;
            }
        }

        return Avalanche(hash);
    }

    private static ulong Avalanche(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCD;
        hash ^= hash >> 33;
        hash *= 0xC4CEB9FE1A85EC53;
        hash ^= hash >> 33;
        return hash;
    }
}
