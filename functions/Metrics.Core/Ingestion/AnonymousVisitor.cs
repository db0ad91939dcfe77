using System.Security.Cryptography;
using System.Text;

namespace Metrics.Core.Ingestion;

/// <summary>
/// Counts anonymous visitors without storing who they are: a hash of the client address and user agent
/// under a salt that changes every day and is deleted after it. Without the salt the hash cannot be
/// reversed by trying every IPv4 address, and the same browser is a new visitor tomorrow.
/// </summary>
public static class AnonymousVisitor
{
    public static string Id(ReadOnlySpan<byte> dailySalt, string site, string clientAddress, string? userAgent)
    {
        var input = Encoding.UTF8.GetBytes($"{site}\u001f{clientAddress}\u001f{userAgent}");
        var hash = HMACSHA256.HashData(dailySalt, input);
        return "anon-" + Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }
}
