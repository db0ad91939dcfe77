namespace Metrics.Core.Ingestion;

/// <summary>
/// How much a run of lower-case letters reads like words: for each pair of letters, how much more (or less) often a word
/// has the second letter after the first than a random string does. Random ids score low (<c>bkpiaazpxs</c>), words high
/// (<c>preferences</c>, <c>subscriptions</c>).
/// </summary>
internal static class LetterPairs
{
    /// <summary>
    /// log2(P(next letter | letter) in words ÷ 1/26), rounded and kept to −5…+3, stored plus 5 (one digit a pair; row = first
    /// letter). Counted over the 63,737 lower-case words of three letters or more in Debian's American English word list
    /// (package wamerican 2020.12.07), each pair count plus ½.
    /// </summary>
    private static readonly string[] Rows =
    [
        "05652351503757050767443242", // a
        "75127000720711700653600030", // b
        "70407007606500701636500030", // c
        "63258242820532620561523040", // d
        "53574432301556341775233420", // e
        "61007600700700700645600040", // f
        "61007056700635600762601040", // g
        "72018201700433710545502050", // h
        "54656450001558641566150105", // i
        "80007000600000800000800000", // j
        "53128213802635430372303050", // k
        "72247210703722620054520060", // l
        "76007200700253760050500030", // m
        "62667482614214521267431020", // n
        "44553351403667550755655221", // o
        "71007006600611760755500030", // p
        "00000000000000000000800000", // q
        "73457242703344630565531040", // r
        "51507216603544552168503030", // s
        "61308206800422610665503051", // t
        "55555350501667350776010102", // u
        "70008000700000600000310020", // v
        "73147216703525720562100010", // w
        "61607115700100571117532440", // x
        "65646343711565560575304202", // y
        "60008000700500510000210046", // z
    ];

    /// <summary>The mean score of a pair below which letters read as random; measured with this table (EndpointTemplate).</summary>
    private const double RandomBelow = 0.25;

    /// <summary>Whether lower-case <paramref name="letters"/> (two or more, a–z) pair up as random strings do rather than as words.</summary>
    public static bool ReadAsRandom(ReadOnlySpan<char> letters)
    {
        var score = 0;
        for (var i = 1; i < letters.Length; i++) score += Rows[letters[i - 1] - 'a'][letters[i] - 'a'] - '5';
        return score < RandomBelow * (letters.Length - 1);
    }
}
