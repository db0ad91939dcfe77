using Azure.Data.Tables;

namespace Metrics.Rollups.Compaction;

/// <summary>The answers that tell a fold another fold of the same hour got there first (see <see cref="HourFolds"/>).</summary>
internal static class FoldConflicts
{
    /// <summary>
    /// 412: a row changed since this fold read it; 409: a row it adds was added meanwhile; 404: a row it replaces or deletes
    /// in the same transaction is gone. Each means the transaction changed nothing and the hour has moved on.
    /// </summary>
    public static bool IsLost(TableTransactionFailedException failure) => failure.Status is 404 or 409 or 412;
}
