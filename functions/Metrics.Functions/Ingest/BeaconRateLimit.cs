using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Ingest;

/// <summary>
/// Beacons are unauthenticated, so each client address gets a fixed number of requests a minute; past it the
/// answer is 429 with Retry-After, and well-behaved trackers back off. Checked before the body is read.
/// </summary>
public sealed class BeaconRateLimit(IOptions<IngestOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.BeaconsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Whether this client may send one more request now; if not, after how many seconds it may.</summary>
    public bool TryAcquire(string client, out int retryAfterSeconds)
    {
        using var lease = _limiter.AttemptAcquire(client);
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        retryAfterSeconds = lease.IsAcquired ? 0 : Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
