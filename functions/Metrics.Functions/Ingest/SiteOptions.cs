namespace Metrics.Functions.Ingest;

/// <summary>A site that may send beacons: its public key and the origins its pages are served from.</summary>
public sealed class SiteOptions
{
    public string Key { get; set; } = "";

    /// <summary><c>;</c>-separated origins, e.g. <c>https://app.example.com;https://example.com</c>.</summary>
    public string Origins { get; set; } = "";

    public IEnumerable<string> AllowedOrigins =>
        Origins.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(o => o.TrimEnd('/'));
}
