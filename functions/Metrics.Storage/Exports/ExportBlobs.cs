using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Metrics.Core.Exports;

namespace Metrics.Storage.Exports;

/// <summary>
/// The CSVs in container <c>exports</c>, one folder per job (<c>{id}/{attempt}.csv</c>: a run that was
/// taken over never overwrites the run that took over), under the org's folder when the export is kept to one org
/// (<c>{org}/{id}/{attempt}.csv</c>, so read access can be delegated per org in storage), and read-only links to them.
/// </summary>
public sealed class ExportBlobs(StorageAccount account)
{
    public const string Container = "exports";
    public const string CsvContentType = "text/csv; charset=utf-8";

    public static string NameOf(ExportJob job, int attempt) => $"{FolderOf(job.Id, job.Query.Org)}{attempt}.csv";

    /// <summary>The job's folder; org names are table keys already, so they hold no '/'.</summary>
    private static string FolderOf(string jobId, string? org) => org is null ? $"{jobId}/" : $"{org}/{jobId}/";

    /// <summary>A stream that uploads blocks as it fills and commits the blob when disposed.</summary>
    public async Task<Stream> OpenWriteAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = await BlockBlobAsync(name, cancellationToken).ConfigureAwait(false);
        var options = new BlockBlobOpenWriteOptions { HttpHeaders = new BlobHttpHeaders { ContentType = CsvContentType } };
        return await blob.OpenWriteAsync(overwrite: true, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Attaches the manifest once the upload is committed (it holds the row count and hash, known only then).
    /// Metadata travels in HTTP headers, so values are percent-encoded to stay ASCII.
    /// </summary>
    public async Task SetManifestAsync(string name, IReadOnlyDictionary<string, string> manifest, CancellationToken cancellationToken = default)
    {
        var blob = await BlockBlobAsync(name, cancellationToken).ConfigureAwait(false);
        var metadata = manifest.ToDictionary(entry => entry.Key, entry => Uri.EscapeDataString(entry.Value));
        await blob.SetMetadataAsync(metadata, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = await BlockBlobAsync(name, cancellationToken).ConfigureAwait(false);
        await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every CSV of a job, including those of runs that were taken over.</summary>
    public async Task DeleteAllOfAsync(string jobId, string? org, CancellationToken cancellationToken = default)
    {
        var container = await account.ContainerAsync(Container, cancellationToken).ConfigureAwait(false);
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = FolderOf(jobId, org) }, cancellationToken).ConfigureAwait(false))
            await container.GetBlobClient(item.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A read-only service SAS link to one blob, expiring at <paramref name="expiresOn"/>. Signed with the
    /// account key when the app has one; under managed identity (no key) with a user-delegation key, which
    /// needs the identity to hold a role with generateUserDelegationKey (e.g. Storage Blob Data Reader).
    /// No start time: a clock a little ahead of the storage service's must not make a fresh link fail.
    /// </summary>
    public async Task<Uri> ReadLinkAsync(string name, DateTimeOffset expiresOn, string downloadName, CancellationToken cancellationToken = default)
    {
        var blob = await BlockBlobAsync(name, cancellationToken).ConfigureAwait(false);
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expiresOn)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            // HTTPS only against Azure; the emulator speaks plain HTTP, and a link must work there too.
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
            ContentDisposition = $"attachment; filename=\"{downloadName}\"",
        };
        if (blob.CanGenerateSasUri) return blob.GenerateSasUri(sas);

        var service = account.BlobService;
        var key = await service.GetUserDelegationKeyAsync(new BlobGetUserDelegationKeyOptions(expiresOn), cancellationToken).ConfigureAwait(false);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key.Value, service.AccountName) }.ToUri();
    }

    private async Task<BlockBlobClient> BlockBlobAsync(string name, CancellationToken cancellationToken) =>
        (await account.ContainerAsync(Container, cancellationToken).ConfigureAwait(false)).GetBlockBlobClient(name);
}
