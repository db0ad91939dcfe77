using System.Security.Cryptography;
using System.Text;

namespace Metrics.Core.Security;

/// <summary>
/// A set of secret keys from configuration (<c>;</c>-separated), each given plainly or as
/// <c>sha256:&lt;hex&gt;</c>. Only hashes are kept in memory, and comparisons take constant time.
/// </summary>
public sealed class ApiKeys
{
    private const string HashPrefix = "sha256:";
    private readonly byte[][] _hashes;

    public ApiKeys(string? configured)
    {
        _hashes = (configured ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(key => key.StartsWith(HashPrefix, StringComparison.OrdinalIgnoreCase)
                ? Convert.FromHexString(key[HashPrefix.Length..])
                : Hash(key))
            .ToArray();
    }

    public bool IsEmpty => _hashes.Length == 0;

    public bool Accepts(string? presented)
    {
        if (string.IsNullOrEmpty(presented)) return false;
        var hash = Hash(presented);
        var match = false;
        foreach (var known in _hashes) match |= CryptographicOperations.FixedTimeEquals(known, hash);
        return match;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
