using System.Security.Cryptography;
using System.Text;

namespace Metrics.Core.Ingestion;

/// <summary>Event ids are idempotency keys and become table RowKeys, so they must be key-safe.</summary>
public static class EventIds
{
    /// <summary>Why <paramref name="id"/> cannot be a key, or null when it can.</summary>
    public static (RejectionCode Code, string Reason)? Check(string id) =>
        id.Length > IngestLimits.MaxIdLength ? (RejectionCode.TooLong, $"id is longer than {IngestLimits.MaxIdLength} characters")
        : id.AsSpan().IndexOfAny(ForbiddenInKeys) >= 0 ? (RejectionCode.InvalidValue, "id may not contain / \\ # ? or control characters")
        : null;

    /// <summary>
    /// An id for an event sent without one: a hash of its content, so the same event sent twice is one row.
    /// Two truly identical events without ids therefore count once, which is the price of retry safety.
    /// </summary>
    public static string Derive(params ReadOnlySpan<object?> content)
    {
        var canonical = new StringBuilder();
        foreach (var part in content)
            canonical.Append(part switch
            {
                DateTimeOffset at => at.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => part?.ToString(),
            }).Append('\u001f');
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()));
        return "h-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    private static readonly System.Buffers.SearchValues<char> ForbiddenInKeys = System.Buffers.SearchValues.Create(
        "/\\#?" + string.Concat(Enumerable.Range(0, 32).Select(c => (char)c)) + "\u007f");
}
