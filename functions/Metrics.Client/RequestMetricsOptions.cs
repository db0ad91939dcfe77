using System.ComponentModel.DataAnnotations;
using System.Security.Claims;

namespace Metrics.Client;

/// <summary>Where and how request metrics are sent (configuration section <c>RequestMetrics</c>).</summary>
public sealed class RequestMetricsOptions
{
    public const string Section = "RequestMetrics";

    /// <summary>The Metrics.Functions app, e.g. <c>https://metrics.example.com</c>; events go to <c>/api/ingest/requests</c> under it.</summary>
    [Required]
    public Uri? Endpoint { get; set; }

    /// <summary>The service's ingestion key, sent as <c>x-metrics-key</c>.</summary>
    [Required]
    public string? IngestionKey { get; set; }

    /// <summary>The service's name in the metrics; the application's name when not set.</summary>
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public string? Service { get; set; }

    /// <summary>Events per batch sent (the app takes at most 1,000).</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>A batch goes out when full or when its first event has waited this long.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Events held while sending is slow or failing; past it the oldest are dropped, and counted.</summary>
    [Range(1, 10_000_000)]
    public int BufferCapacity { get; set; } = 20_000;

    /// <summary>How long shutdown may spend sending what is buffered.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Paths not recorded, nor anything below them (whole segments: <c>/health</c> covers <c>/health/live</c>, not <c>/healthcheck</c>): probes and scrapes are not traffic.</summary>
    public List<string> ExcludedPaths { get; set; } = ["/health", "/healthz", "/ready", "/readyz", "/alive", "/livez", "/ping", "/metrics"];

    /// <summary>
    /// Paths not recorded when they start with one of these, compared as text and ignoring case (<c>/internal/</c>,
    /// <c>/admin/system/</c>, <c>/_</c>): a service's own tooling that is not its traffic. None by default.
    /// </summary>
    public List<string> ExcludedPrefixes { get; set; } = [];

    /// <summary>
    /// A header a trusted front end sets on every request with the caller's country (ISO 3166-1 alpha-2): Cloudflare's
    /// <c>CF-IPCountry</c>, CloudFront's <c>CloudFront-Viewer-Country</c>, or one an Azure Front Door rule sets from its
    /// <c>{geo_country}</c> server variable. None by default, and then no country is sent. Set it only when that front end is
    /// the only way to the service and replaces whatever a caller sent in that header. The country is never worked out
    /// from an address; a value that is not two letters is sent as no country.
    /// </summary>
    public string? CountryHeader { get; set; }

    /// <summary>The claim that holds the user id of an authenticated request.</summary>
    public string UserIdClaim { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>The claim that holds the organisation of an authenticated request.</summary>
    public string OrgIdClaim { get; set; } = "org_id";
}
