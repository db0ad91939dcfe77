using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Metrics.Functions.Hosting;

/// <summary>A file the handler serves as shipped (the tracker script, the dashboard page): its bytes and an ETag of their hash.</summary>
public sealed record StaticContent(byte[] Content, EntityTagHeaderValue ETag)
{
    /// <summary>The file's content, or null when the deployment lacks it.</summary>
    public static StaticContent? Load(string path) => File.Exists(path) ? Of(File.ReadAllBytes(path)) : null;

    public static StaticContent Of(byte[] content) =>
        new(content, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12))}\""));
}
