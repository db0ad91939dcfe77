using Metrics.Core.Security;
using Metrics.Functions.Ingest;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Security;

/// <summary>The ingestion keys of <c>Ingest:Keys</c>, read once: the ingest function checks <c>x-metrics-key</c> against them, and
/// <see cref="CallerResolver"/> knows such a key sent as a bearer token for one without an admin role (403, not 401).</summary>
public sealed class IngestKeys(IOptions<IngestOptions> options)
{
    private readonly ApiKeys _keys = new(options.Value.Keys);

    public bool Accept(string? presented) => _keys.Accepts(presented);
}
