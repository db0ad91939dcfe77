using System.ComponentModel.DataAnnotations;
using Metrics.Core.Ingestion;

namespace Metrics.Rollups.Ingest;

/// <summary>The endpoint limit: key <c>Ingest__MaxEndpointsPerService</c> of section <c>Ingest</c> (docs/api.md, "Configuration").</summary>
public sealed class EndpointLimitOptions
{
    /// <summary>Distinct endpoints a service may report in a day; events for more are counted under <c>{other}</c>.</summary>
    [Range(1, 1_000_000)]
    public int MaxEndpointsPerService { get; set; } = EndpointLimit.DefaultMaxPerServiceDay;
}
