namespace Metrics.Rollups.Tables;

/// <summary>
/// What the RowKey of a partial, packed or coverage row says, read in one place. The keys sort as readers need them
/// (see <see cref="PartialRows"/>): <c>!!coverage</c>, then partials <c>!{received}-{write id}-{part}</c> in the order they
/// were received, then packs <c>!~{started}-{last received covered}-{part}</c>, then the settled rows (hex).
/// </summary>
/// <param name="Received">A partial's ingestion time; a pack's last covered time (so a settled row folded past it holds it).</param>
/// <param name="PackedSince">When a pack was started: the same for every rewrite of it.</param>
public readonly record struct PartialRowKey(PartialRowKind Kind, FoldPosition Received, FoldPosition PackedSince)
{
    /// <summary><c>!</c> sorts before the settled rows' hex keys: a partition scan reads an hour's partials first.</summary>
    public const char Prefix = '!';

    public const string PackedPrefix = "!~";

    /// <summary>Before every partial row, so a reader that meets a newer pack later in its scan has read an older coverage.</summary>
    public const string Coverage = "!!coverage";

    /// <summary>The time orders partials against a settled row's fold position; the write id keeps two writes of one tick apart.</summary>
    public static string Partial(FoldPosition received, Guid writeId, int part) => $"{Prefix}{received.ToKey()}-{writeId:N}-{part:D4}";

    /// <summary>A pack started at <paramref name="since"/>, covering the partials received before <paramref name="coveredTo"/>.</summary>
    public static string Packed(FoldPosition since, FoldPosition coveredTo, int part) =>
        $"{PackedPrefix}{since.ToKey()}-{new FoldPosition(coveredTo.Ticks - 1).ToKey()}-{part:D4}";

    /// <summary>Whether the key is one of an hour's rows other than its settled ones.</summary>
    public static bool IsPartialOrPacked(string rowKey) => rowKey.Length > 0 && rowKey[0] == Prefix;

    public static PartialRowKey Parse(string rowKey)
    {
        if (rowKey == Coverage) return new(PartialRowKind.Coverage, FoldPosition.Start, FoldPosition.Start);
        var packed = rowKey.StartsWith(PackedPrefix, StringComparison.Ordinal);
        var rest = rowKey.AsSpan(packed ? PackedPrefix.Length : 1);
        var first = FoldPosition.ParseKey(rest[..rest.IndexOf('-')]);
        if (!packed) return new(PartialRowKind.Partial, first, FoldPosition.Start);
        rest = rest[(rest.IndexOf('-') + 1)..];
        return new(PartialRowKind.Packed, FoldPosition.ParseKey(rest[..rest.IndexOf('-')]), first);
    }
}
