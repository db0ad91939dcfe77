namespace Metrics.Rollups.Retention;

/// <summary>What storage holds, estimated by <see cref="StorageEstimate"/>: rows and the bytes Azure bills for them.</summary>
public sealed record StoredSize(long RawRows, long RawBytes, long RollupRows, long RollupBytes)
{
    public const double BytesPerGb = 1024d * 1024 * 1024;

    public long Rows => RawRows + RollupRows;
    public double Gb => (RawBytes + RollupBytes) / BytesPerGb;
}
