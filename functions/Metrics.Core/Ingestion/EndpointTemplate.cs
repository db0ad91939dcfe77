using System.Text.RegularExpressions;

namespace Metrics.Core.Ingestion;

/// <summary>
/// Turns raw request paths into route templates (<c>/orders/123</c> → <c>/orders/{id}</c>) so that the
/// number of distinct endpoints stays bounded however many orders there are.
/// </summary>
public static partial class EndpointTemplate
{
    public const string IdSegment = "{id}";

    public static string Normalise(string endpoint)
    {
        var path = StripSchemeHostQuery(endpoint);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
            if (LooksLikeIdentifier(segments[i])) segments[i] = IdSegment;
        return "/" + string.Join('/', segments);
    }

    /// <summary>A segment that names one resource rather than a kind of resource.</summary>
    internal static bool LooksLikeIdentifier(string segment) =>
        !(segment.StartsWith('{') && segment.EndsWith('}'))
        && (Number().IsMatch(segment)
            || Guid.TryParse(segment, out _)
            || HexToken().IsMatch(segment)
            || (segment.Length >= 16 && OpaqueToken().IsMatch(segment) && segment.Count(char.IsDigit) >= 2)
            || segment.Contains('@'));

    private static string StripSchemeHostQuery(string endpoint)
    {
        // The query first: it may itself hold a URL (?returnUrl=https://…) that is not this request's.
        var queryStart = endpoint.IndexOfAny(['?', '#']);
        var path = queryStart < 0 ? endpoint : endpoint[..queryStart];
        var schemeEnd = path.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            var pathStart = path.IndexOf('/', schemeEnd + 3);
            path = pathStart < 0 ? "/" : path[pathStart..];
        }
        return path;
    }

    [GeneratedRegex(@"^[+-]?\d+([.,]\d+)?$")]
    private static partial Regex Number();

    [GeneratedRegex(@"^(0x)?[0-9a-fA-F]{12,}$")]
    private static partial Regex HexToken();

    [GeneratedRegex(@"^[A-Za-z0-9_\-=.~]+$")]
    private static partial Regex OpaqueToken();
}
