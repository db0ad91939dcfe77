using Azure.Data.Tables;
using Metrics.Core.Exports;

namespace Metrics.Storage.Exports;

/// <summary>Export jobs as rows of table <c>Exports</c>: one partition (exports are few), RowKey = the job id.</summary>
internal static class ExportJobEntities
{
    public const string Partition = "export";

    public static TableEntity From(ExportJob job)
    {
        var row = new TableEntity(Partition, job.Id)
        {
            ["Kind"] = job.Query.Kind,
            ["From"] = job.Query.From,
            ["To"] = job.Query.To,
            ["Status"] = job.Status,
            ["CreatedAt"] = job.CreatedAt,
            ["CreatedBy"] = job.CreatedBy,
            ["Attempts"] = job.Attempts,
        };
        AddIfPresent(row, "By", job.Query.By);
        AddIfPresent(row, "Service", job.Query.Service);
        AddIfPresent(row, "Org", job.Query.Org);
        AddIfPresent(row, "StartedAt", job.StartedAt);
        AddIfPresent(row, "CompletedAt", job.CompletedAt);
        AddIfPresent(row, "Rows", job.Rows);
        AddIfPresent(row, "Sha256", job.Sha256);
        AddIfPresent(row, "Blob", job.Blob);
        AddIfPresent(row, "Error", job.Error);
        return row;
    }

    public static ExportJob ToJob(TableEntity row) => new(
        row.RowKey,
        new ExportQuery(row.GetString("Kind"), row.GetString("By"), row.GetString("Service"),
            row.GetDateTimeOffset("From")!.Value, row.GetDateTimeOffset("To")!.Value, row.GetString("Org")),
        row.GetString("Status"),
        row.GetDateTimeOffset("CreatedAt")!.Value,
        row.GetString("CreatedBy") ?? "",
        row.GetInt32("Attempts") ?? 0,
        row.GetDateTimeOffset("StartedAt"),
        row.GetDateTimeOffset("CompletedAt"),
        row.GetInt64("Rows"),
        row.GetString("Sha256"),
        row.GetString("Blob"),
        row.GetString("Error"));

    private static void AddIfPresent(TableEntity row, string name, object? value)
    {
        if (value is not null) row[name] = value;
    }
}
