using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace Metrics.Storage.Locks;

/// <summary>
/// A blob lease in the <c>locks</c> container that keeps two runs of a job from overlapping, across
/// instances. Held for <see cref="LeaseDuration"/> and renewed in the background while the run lasts;
/// a run that dies stops renewing, so its lease lapses and the next run can take it.
/// </summary>
public sealed class RunLock(StorageAccount account)
{
    public const string Container = "locks";
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    /// <summary>The held lock, or null when another run holds it.</summary>
    public async Task<HeldLock?> TryAcquireAsync(string name, CancellationToken cancellationToken = default)
    {
        var container = await account.ContainerAsync(Container, cancellationToken).ConfigureAwait(false);
        var blob = container.GetBlobClient(name);
        try
        {
            await blob.UploadAsync(BinaryData.Empty, overwrite: false, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // The lock blob exists already (and may be leased): that is the usual case.
        }
        var lease = blob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(LeaseDuration, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            // Storage may have granted the lease as the call was cancelled: give it back, or it blocks runs for its duration.
            try
            {
                await lease.ReleaseAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            catch (RequestFailedException)
            {
                // Not granted after all.
            }
            throw;
        }
        return new HeldLock(lease);
    }

    public sealed class HeldLock : IAsyncDisposable
    {
        private readonly BlobLeaseClient _lease;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewing;

        internal HeldLock(BlobLeaseClient lease)
        {
            _lease = lease;
            _renewing = RenewAsync(_stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _renewing.ConfigureAwait(false);
            try
            {
                await _lease.ReleaseAsync().ConfigureAwait(false);
            }
            catch (RequestFailedException)
            {
                // Lost or expired: nothing to release, and the lease lapses by itself.
            }
            _stop.Dispose();
        }

        private async Task RenewAsync(CancellationToken stop)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(LeaseDuration / 3, stop).ConfigureAwait(false);
                    await _lease.RenewAsync(cancellationToken: stop).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is OperationCanceledException || StorageFault.IsUnavailable(e) || e is RequestFailedException)
            {
                // Stopped, or storage trouble: the run's own storage calls will fail and end it.
            }
        }
    }
}
