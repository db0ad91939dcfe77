using Azure.Data.Tables;
using Metrics.Core.Ingestion;

namespace Metrics.Rollups.Ingest;

/// <summary>
/// Raw events as table rows. The RowKey is the source-scoped event id, so a retried event meets its stored
/// row: ingestion inserts, keeps the first copy, and retries never duplicate.
/// </summary>
public static class RawEntities
{
    public static string RowKey(string source, string id) => $"{source}:{id}";

    public static TableEntity From(RequestEvent e, int shards, string batchId, DateTimeOffset receivedAt)
    {
        var rowKey = RowKey(e.Service, e.Id);
        var entity = new TableEntity(HourBucket.PartitionKey(e.Timestamp, rowKey, shards), rowKey)
        {
            ["Id"] = e.Id,
            ["Service"] = e.Service,
            ["OccurredAt"] = e.Timestamp,
            ["Endpoint"] = e.Endpoint,
            ["Method"] = e.Method,
            ["Status"] = e.Status,
            ["DurationMs"] = e.DurationMs,
            ["Invocation"] = e.Invocation == Invocation.Async ? "async" : "sync",
            ["Units"] = e.Units,
            ["CpuMs"] = e.CpuMs,
            ["GpuMs"] = e.GpuMs,
            ["BatchId"] = batchId,
            ["ReceivedAt"] = receivedAt,
        };
        AddIfPresent(entity, "UserId", e.UserId);
        AddIfPresent(entity, "OrgId", e.OrgId);
        AddIfPresent(entity, "Country", e.Country);
        AddIfPresent(entity, "Model", e.Model);
        return entity;
    }

    public static TableEntity From(UsageEvent e, int shards, string batchId, DateTimeOffset receivedAt)
    {
        var rowKey = RowKey(e.Site, e.Id);
        var entity = new TableEntity(HourBucket.PartitionKey(e.Timestamp, rowKey, shards), rowKey)
        {
            ["Id"] = e.Id,
            ["Site"] = e.Site,
            ["Type"] = e.Type,
            ["OccurredAt"] = e.Timestamp,
            ["VisitorId"] = e.VisitorId,
            ["BatchId"] = batchId,
            ["ReceivedAt"] = receivedAt,
        };
        AddIfPresent(entity, "Page", e.Page);
        AddIfPresent(entity, "Name", e.Name);
        AddIfPresent(entity, "ElementId", e.ElementId);
        AddIfPresent(entity, "UserId", e.UserId);
        AddIfPresent(entity, "SessionId", e.SessionId);
        AddIfPresent(entity, "Country", e.Country);
        AddIfPresent(entity, "Properties", e.Properties);
        return entity;
    }

    public static RequestEvent ToRequestEvent(TableEntity row) => new(
        row.GetString("Id"), row.GetString("Service"), row.GetDateTimeOffset("OccurredAt")!.Value,
        row.GetString("Endpoint"), row.GetString("Method"), row.GetInt32("Status")!.Value,
        row.GetDouble("DurationMs")!.Value, row.GetString("UserId"), row.GetString("OrgId"), row.GetString("Country"),
        row.GetString("Invocation") == "async" ? Invocation.Async : Invocation.Sync, row.GetString("Model"),
        row.GetInt64("Units") ?? 0, row.GetDouble("CpuMs") ?? 0, row.GetDouble("GpuMs") ?? 0);

    public static UsageEvent ToUsageEvent(TableEntity row) => new(
        row.GetString("Id"), row.GetString("Site"), row.GetString("Type"), row.GetDateTimeOffset("OccurredAt")!.Value,
        row.GetString("Page"), row.GetString("Name"), row.GetString("ElementId"), row.GetString("UserId"),
        row.GetString("VisitorId"), row.GetString("SessionId"), row.GetString("Country"), row.GetString("Properties"));

    private static void AddIfPresent(TableEntity entity, string name, string? value)
    {
        if (value is not null) entity[name] = value;
    }
}
