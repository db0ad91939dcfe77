using System.Threading.RateLimiting;
using Metrics.Functions.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Ingest;

/// <summary>
/// Beacons are unauthenticated, so each client address gets a fixed number of requests a minute;
/// past it the answer is 429 with Retry-After, and well-behaved trackers back off.
/// </summary>
internal static class BeaconRateLimit
{
    public const string Policy = "beacons";

    public static IServiceCollection AddBeaconRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value.BeaconsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.Of(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many beacons from this client",
                        $"This client sent more beacons than allowed in a minute. Retry after {seconds} seconds.")
                    .ExecuteAsync(rejected.HttpContext).ConfigureAwait(false);
            };
        });
}
