using System.ComponentModel.DataAnnotations;

namespace Metrics.Functions.Ingest;

/// <summary>
/// What the ingestion functions check before the engine stores a batch: configuration sections <c>Ingest</c> and
/// <c>Sites</c>. The endpoint limit (<c>Ingest__MaxEndpointsPerService</c>) is the engine's own (<c>EndpointLimitOptions</c>).
/// </summary>
public sealed class IngestOptions
{
    public const int DefaultBeaconsPerMinute = 600;

    /// <summary><c>;</c>-separated ingestion keys (or <c>sha256:</c> hashes) for <c>x-metrics-key</c>.</summary>
    public string? Keys { get; set; }

    public List<SiteOptions> Sites { get; set; } = [];

    /// <summary>A header set by a trusted front end (e.g. <c>CF-IPCountry</c>) to take the country from.</summary>
    public string? CountryHeader { get; set; }

    /// <summary>Beacon requests one client may send per minute before answers turn to 429.</summary>
    [Range(1, 1_000_000)]
    public int BeaconsPerMinute { get; set; } = DefaultBeaconsPerMinute;
}
