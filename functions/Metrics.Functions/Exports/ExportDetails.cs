using Metrics.Core.Exports;
using Metrics.Core.Queries;

namespace Metrics.Functions.Exports;

/// <summary>
/// One export, with its manifest once it succeeded. <see cref="Url"/> is a fresh read-only link, valid
/// until <see cref="ExpiresAt"/>; ask again for a new one.
/// </summary>
public sealed record ExportDetails(string Id, string Kind, string Status, string? By, string? Service, RangeDto Range, long? Rows, string? Sha256,
    DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, Uri? Url, DateTimeOffset? ExpiresAt, string? Error, string? Org)
{
    public static ExportDetails Of(ExportJob job, Uri? url = null, DateTimeOffset? expiresAt = null) => new(job.Id, job.Query.Kind, job.Status,
        job.Query.By, job.Query.Service, new RangeDto(job.Query.From, job.Query.To), job.Rows, job.Sha256, job.CreatedAt, job.CompletedAt,
        url, expiresAt, job.Error, job.Query.Org);
}
