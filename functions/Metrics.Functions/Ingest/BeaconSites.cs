using Microsoft.Extensions.Options;

namespace Metrics.Functions.Ingest;

/// <summary>The configured sites: which public site keys exist and which origins may use each.</summary>
public sealed class BeaconSites(IOptions<IngestOptions> options)
{
    private readonly Dictionary<string, HashSet<string>> _origins = options.Value.Sites
        .Where(site => site.Key.Length > 0)
        .ToDictionary(site => site.Key, site => site.AllowedOrigins.ToHashSet(StringComparer.OrdinalIgnoreCase), StringComparer.Ordinal);

    public bool Exists(string site) => _origins.ContainsKey(site);

    public bool Allows(string site, string? origin) =>
        origin is not null && _origins.TryGetValue(site, out var allowed) && allowed.Contains(origin);

    /// <summary>A preflight names no site: answer it for any origin some site allows.</summary>
    public bool AllowsAnySite(string? origin) => origin is not null && _origins.Values.Any(allowed => allowed.Contains(origin));

    public static void AllowOrigin(HttpResponse response, string origin)
    {
        response.Headers.AccessControlAllowOrigin = origin;
        response.Headers.AccessControlExposeHeaders = "Retry-After";
        response.Headers.Vary = "Origin";
    }
}
