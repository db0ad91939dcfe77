using System.Globalization;
using System.Runtime.CompilerServices;
using Metrics.Core.Exports;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Functions.Csv;
using Metrics.Functions.Queries;
using Metrics.Rollups.Ingest;
using Metrics.Rollups.Queries;
using Metrics.Storage.Admin;
using Metrics.Storage.Exports;

namespace Metrics.Functions.Exports;

/// <summary>
/// Produces one export's CSV: reads its rows the way the matching query does (through the same <see cref="RollupQueries"/>
/// and <see cref="BreakdownQuery"/>), streams them into the blob while hashing, then stamps the manifest on the blob.
/// </summary>
public sealed class ExportProduction(RollupQueries rollups, BreakdownQuery breakdowns, PriceStore prices, RawRows raw, ExportBlobs blobs, TimeProvider time)
{
    public async Task<ExportManifest> ProduceAsync(ExportJob job, string blobName, CancellationToken cancellationToken)
    {
        long rows;
        string sha256;
        await using (var upload = await blobs.OpenWriteAsync(blobName, cancellationToken))
        {
            await using var hashing = new Sha256WriteStream(upload);
            rows = await WriteRowsAsync(hashing, job.Query, cancellationToken);
            sha256 = hashing.HashHex();
        } // Disposing the upload commits the blob.

        var manifest = new ExportManifest(rows, sha256, time.GetUtcNow());
        await blobs.SetManifestAsync(blobName, Metadata(job, manifest), cancellationToken);
        return manifest;
    }

    /// <summary>A file name that says what the export holds, for the download link.</summary>
    public static string DownloadName(ExportJob job) =>
        string.Join('-', new[] { job.Query.Kind, job.Query.By, job.Query.Service }.Where(part => part is not null)
            .Select(part => new string(part!.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray()))
            .Append(job.Query.From.UtcDateTime.ToString("yyyyMMddTHHmm", CultureInfo.InvariantCulture))
            .Append(job.Query.To.UtcDateTime.ToString("yyyyMMddTHHmm", CultureInfo.InvariantCulture))) + ".csv";

    private Task<long> WriteRowsAsync(Stream output, ExportQuery query, CancellationToken cancellationToken) => query.Kind switch
    {
        ExportKinds.Breakdown => CsvRows.WriteAsync(output, BreakdownRowsAsync(query, cancellationToken), cancellationToken),
        ExportKinds.FinanceMonthToDate or ExportKinds.FinanceMonth => CsvRows.WriteAsync(output, FinanceRowsAsync(query, cancellationToken), cancellationToken),
        ExportKinds.Incident => CsvRows.WriteAsync(output, IncidentRowsAsync(query, cancellationToken), cancellationToken),
        _ => throw new InvalidOperationException($"Unknown export kind '{query.Kind}'."),
    };

    /// <summary>The same query as <c>GET /api/metrics/breakdown</c> (<see cref="BreakdownQuery"/>): few rows, one per group.</summary>
    private async IAsyncEnumerable<BreakdownRow> BreakdownRowsAsync(ExportQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var breakdown = await breakdowns.RunAsync(Window(query), query.By!, new QueryFilter(query.Service, Org: query.Org), cancellationToken);
        foreach (var row in breakdown.Report.Rows) yield return row;
    }

    private async IAsyncEnumerable<FinanceRow> FinanceRowsAsync(ExportQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var priceList = await prices.GetAsync(cancellationToken);
        var window = Window(query);
        var read = await rollups.RequestsAsync(window, priceList.CoarsestGrain(window), [Families.Org], cancellationToken: cancellationToken);
        foreach (var row in FinanceSpend.Build(read[Families.Org], priceList, query.Org)) yield return row;
    }

    /// <summary>Hour by hour, each hour's raw rows as they stream in: memory stays flat however busy the incident was.</summary>
    private async IAsyncEnumerable<IncidentRow> IncidentRowsAsync(ExportQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var hour in IncidentRequests.Hours(query))
        {
            await foreach (var request in raw.ReadRequestsAsync(hour, cancellationToken))
                if (IncidentRequests.Includes(query, request)) yield return IncidentRow.Of(request);
        }
    }

    private static QueryWindow Window(ExportQuery query) => new(query.From, query.To);

    private static Dictionary<string, string> Metadata(ExportJob job, ExportManifest manifest)
    {
        var metadata = new Dictionary<string, string>
        {
            ["exportid"] = job.Id,
            ["kind"] = job.Query.Kind,
            ["rangefrom"] = Iso(job.Query.From),
            ["rangeto"] = Iso(job.Query.To),
            ["rows"] = manifest.Rows.ToString(CultureInfo.InvariantCulture),
            ["sha256"] = manifest.Sha256,
            ["createdat"] = Iso(job.CreatedAt),
            ["completedat"] = Iso(manifest.CompletedAt),
        };
        if (job.Query.By is { } by) metadata["by"] = by;
        if (job.Query.Service is { } service) metadata["service"] = service;
        return metadata;
    }

    private static string Iso(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
}
