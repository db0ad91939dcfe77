using Azure.Data.Tables;
using Metrics.Core.Exports;

namespace Metrics.Storage.Exports;

/// <summary>Export jobs as rows of table <c>Exports</c>: one partition (exports are few), RowKey = the job id.</summary>
internal static class ExportJobEntities
{
    public const string Partition = "export";

    /// <summary>The instance that runs the job, while it runs (diagnostics: the ETag decides who owns it).</summary>
    public const string Owner = "Owner";

    /// <summary>When the running job's lease runs out unless its owner renews it: past it, another instance may resume the job.</summary>
    public const string LeaseUntil = "LeaseUntil";

    /// <summary>The row of a running job held by <paramref name="owner"/> until <paramref name="leaseUntil"/>.</summary>
    public static TableEntity Leased(ExportJob job, string owner, DateTimeOffset leaseUntil)
    {
        var row = From(job);
        row[Owner] = owner;
        row[LeaseUntil] = leaseUntil;
        return row;
    }

    /// <summary>When the row's lease runs out; a row written before leases (or by a finished run) has none, which is long past.</summary>
    public static DateTimeOffset LeaseUntilOf(TableEntity row) => row.GetDateTimeOffset(LeaseUntil) ?? DateTimeOffset.MinValue;

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
