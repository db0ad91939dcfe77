using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Metrics.Core.Ingestion;

/// <summary>
/// Turns raw request paths into route templates (<c>/orders/123</c> → <c>/orders/{id}</c>,
/// <c>/products/SKU-1234/reviews</c> → <c>/products/{id}/reviews</c>) so that the number of distinct endpoints stays
/// bounded however many orders, products or users there are. A segment that names one resource becomes <c>{id}</c>;
/// a segment that names a kind of resource (a word, a version, a locale, <c>oauth2</c>, <c>h264</c>) is kept.
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
    internal static bool LooksLikeIdentifier(string segment)
    {
        if (segment.StartsWith('{') && segment.EndsWith('}')) return false;
        if (Email().IsMatch(segment)) return true;
        // A file is named by its name: 12345.pdf names one invoice, logo@2x.png and main.js name assets.
        if (FileName().Match(segment) is { Success: true } file) return LooksLikeIdentifier(file.Groups["name"].Value);
        if (Guid.TryParse(segment, out _) || HexToken().IsMatch(segment) || Date().IsMatch(segment)) return true;
        var digits = segment.Count(char.IsAsciiDigit);
        if (digits == 0) return LooksRandom(segment);
        if (digits == segment.Length || Number().IsMatch(segment)) return true;
        return !Version().IsMatch(segment) && !IsNamedWithNumber(segment);
    }

    /// <summary>
    /// A few letters and one short number are names of things: v2, oauth2, h264, sha256, mp4, i18n, k8s, 2fa, web3.
    /// More letters, or letters whose case flips, are an id's: kxqzvbnm42, aBcDeF42, SKU-1234. (user42 passes as a
    /// name: no rule can tell it from http2; the per-day endpoint limit is the net for such.)
    /// </summary>
    private static bool IsNamedWithNumber(string segment) =>
        NamedWithNumber().IsMatch(segment) && segment.Count(char.IsAsciiLetter) <= 6 && Humps(segment) <= 1;

    /// <summary>
    /// No digit, yet no word: a token whose case keeps flipping (<c>aZkPxQmWrT</c>, <c>EootpmWbphIzTJaaZCTPtY</c>), one
    /// in mixed case whose letters pair as no word's do (<c>benpdijvqqdD</c>), or one longer than any word runs without
    /// a separator (a ULID that drew no digit, an encoded key). Words, camelCase and kebab-case names have few humps,
    /// capitals side by side only in acronyms, and break with separators.
    /// </summary>
    private static bool LooksRandom(string segment)
    {
        if (segment.Length >= 32 && OpaqueToken().IsMatch(segment) && !segment.Contains('-', StringComparison.Ordinal)) return true;
        if (PrefixedId().Match(segment) is { Success: true } prefixed) return IsRandomAfterPrefix(prefixed.Groups["body"].Value);
        if (!segment.All(char.IsAsciiLetter)) return false;
        if (segment.Length >= 24 || (segment.Length >= 10 && Humps(segment) * 4 >= segment.Length)) return true;
        if (segment.Length < 10) return false;
        // camelCase is words: capitals side by side only in acronyms (XMLHttpRequest), and most of its letters in lower-case
        // runs of three or more (getUserProfile, parseJSONToXMLDocument). Random case does the one often and flips too
        // often for the other (hunODpzkRJlv, RCiWadeqlxYW); short words (AddOrUpdate) flip often too, but capitals side
        // by side are rare in them.
        var (humps, adjacentCapitals) = (Humps(segment), AdjacentCapitals(segment));
        if (humps >= 3 && adjacentCapitals >= 3) return true;
        if (humps >= 2 && adjacentCapitals >= 1 && LettersInLowerCaseWords(segment) * 2 < segment.Length) return true;
        // Mixed case, and one of its words holds a pair of letters words do not (benpdijvqqdD: jv, qq). Words in lower
        // case, of any language, are left alone.
        return segment.Skip(1).Any(char.IsAsciiLetterUpper) && CamelCaseWord().Matches(segment).Any(word => HasPairNoWordHas(word.ValueSpan));
    }

    /// <summary>
    /// What follows a type prefix (<c>ord_</c>, <c>cus_</c>, <c>usr-</c>) when it drew no digit: random case as anywhere
    /// (<c>NffrFeUfNVHib</c>), or ten lower-case letters or more that pair as random strings do, not as words
    /// (<c>ord_bkpiaazpxs</c>, but <c>user_preferences</c>, <c>my_subscriptions</c>). Measured over 50,000 random
    /// strings a length, <see cref="LetterPairs"/> misses 0.7 % of those of 10 letters, 0.3 % of 12, 0.16 % of 14 and
    /// 0.08 % of 16 (the per-day endpoint limit is the net for those), and takes 1.1 % of the word list's own words of ten
    /// letters or more for random (<c>thumbnails</c>); shorter words after a prefix (<c>user_profile</c>,
    /// <c>my_bookmarks</c>) are never taken.
    /// </summary>
    private static bool IsRandomAfterPrefix(string body) =>
        LooksRandom(body) || (body.Length >= 10 && body.All(char.IsAsciiLetterLower) && LetterPairs.ReadAsRandom(body));

    /// <summary>
    /// Letter pairs in none of the 6,763 English words of the .NET reference documentation's text nor in any word of its
    /// 24,000 API names (Get·User·Profile), less those that words outside it have (kk in bookkeeping, uu in vacuum, bw
    /// in subway, zh in Zhang). A list built the same way from half of the API names matched 5 of the other half's 9,892
    /// names of ten letters or more (NxCompatible, TaiwanCalendar): about the rate at which this rule takes a name for an id.
    /// </summary>
    private static readonly FrozenSet<string> PairsNoWordHas =
        ("bq bx bz cv cx cz fj fk fz gj hj hq hv hx jb jd jf jg jh jl jq jt jv jw jx jy jz kq kx kz mj mq mx mz oq pj pz " +
         "qc qf qg qh qj qk qq qt qv qw qx qy qz rj rx rz uv uw uz vj vv vz wf wj wq wv wx wy wz xg xj xk xq xv xw xz yf yh " +
         "yj yq yx zb zd zf zg zj zk zm zn zp zq zr zs zt zv zw zx").Split(' ').ToFrozenSet();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> PairLookup = PairsNoWordHas.GetAlternateLookup<ReadOnlySpan<char>>();

    private static bool HasPairNoWordHas(ReadOnlySpan<char> word)
    {
        Span<char> pair = stackalloc char[2];
        for (var i = 1; i < word.Length; i++)
        {
            pair[0] = char.ToLowerInvariant(word[i - 1]);
            pair[1] = char.ToLowerInvariant(word[i]);
            if (PairLookup.Contains(pair)) return true;
        }
        return false;
    }

    /// <summary>Pairs of capitals in a row: EootpmWbphIzTJaaZCTPtY has 4 (TJ, ZC, CT, TP).</summary>
    private static int AdjacentCapitals(string segment)
    {
        var pairs = 0;
        for (var i = 1; i < segment.Length; i++) if (char.IsAsciiLetterUpper(segment[i - 1]) && char.IsAsciiLetterUpper(segment[i])) pairs++;
        return pairs;
    }

    /// <summary>Letters in runs of at least three lower-case letters: getUserProfile has 9 (get, ser, rofile).</summary>
    private static int LettersInLowerCaseWords(string segment)
    {
        int letters = 0, run = 0;
        foreach (var c in segment.Append('A'))
        {
            if (char.IsAsciiLetterLower(c)) { run++; continue; }
            if (run >= 3) letters += run;
            run = 0;
        }
        return letters;
    }

    /// <summary>Where a lower-case letter is followed by an upper-case one: camelCase has a few, random tokens many.</summary>
    private static int Humps(string segment)
    {
        var humps = 0;
        for (var i = 1; i < segment.Length; i++) if (char.IsAsciiLetterLower(segment[i - 1]) && char.IsAsciiLetterUpper(segment[i])) humps++;
        return humps;
    }

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

    [GeneratedRegex(@"^[+-]?\d+([.,]\d+)*$")]
    private static partial Regex Number();

    [GeneratedRegex(@"^(0x)?[0-9a-fA-F]{12,}$")]
    private static partial Regex HexToken();

    [GeneratedRegex(@"^\d{4}-\d{2}(-\d{2}([Tt_ ]\d{2}(:?\d{2}(:?\d{2}(\.\d+)?)?)?([Zz]|[+-]\d{2}:?\d{2})?)?)?$")]
    private static partial Regex Date();

    [GeneratedRegex(@"^[A-Za-z0-9_\-=.~]+$")]
    private static partial Regex OpaqueToken();

    /// <summary>A file name and its extension (letters first, so v1.2 is no file), with a retina suffix (@2x) set aside.</summary>
    [GeneratedRegex(@"^(?<name>[^.]+?)(@\d(\.\d)?x)?\.[A-Za-z][A-Za-z0-9]{0,4}$")]
    private static partial Regex FileName();

    /// <summary>someone@example.com (percent-encoded @ too); not logo@2x.png, whose "domain" starts with a digit.</summary>
    [GeneratedRegex(@"^[^@\s]+(@|%40)[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")]
    private static partial Regex Email();

    /// <summary>One group of at most three digits among letters, no separator.</summary>
    [GeneratedRegex(@"^[A-Za-z]*\d{1,3}[A-Za-z]*$")]
    private static partial Regex NamedWithNumber();

    /// <summary>The words of a camelCase or PascalCase name: an acronym (XML in XMLHttp), or a capital and its lower-case run.</summary>
    [GeneratedRegex(@"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")]
    private static partial Regex CamelCaseWord();

    /// <summary>A short lower-case type prefix, one separator, then letters only: ord_bkpiaazpxs, usr-kqpdzmwxrtle.</summary>
    [GeneratedRegex(@"^[a-z]{2,5}[_-](?<body>[A-Za-z]+)$")]
    private static partial Regex PrefixedId();

    /// <summary>A version: v1.2, v2.0.1, 1.2 is a number, api-v2 is a word with one.</summary>
    [GeneratedRegex(@"^([A-Za-z]+-)?[vV]\d{1,3}(\.\d{1,3}){0,2}$")]
    private static partial Regex Version();
}
