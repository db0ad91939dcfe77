namespace Metrics.Functions.Tests.Hostile;

/// <summary>One generated request: what it is (for a failure's message), and what goes on the wire.</summary>
internal sealed record HostileRequest(int Seed, string Description, HttpMethod Method, string Path, byte[]? Body, string? ContentType,
    string? ContentEncoding, string? Key, bool AsAdmin)
{
    public override string ToString() => $"seed {Seed}: {Method} {Path} ({Description})";
}
