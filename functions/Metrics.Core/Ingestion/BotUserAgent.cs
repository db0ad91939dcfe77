using System.Text.RegularExpressions;

namespace Metrics.Core.Ingestion;

/// <summary>Crawlers, monitors and scripts: their beacons are dropped (and counted), not stored.</summary>
public static partial class BotUserAgent
{
    public static bool IsBot(string? userAgent) =>
        string.IsNullOrWhiteSpace(userAgent) || Pattern().IsMatch(userAgent);

    [GeneratedRegex(
        @"\bbot\b|bot/|bot;|crawl|spider|slurp|headlesschrome|phantomjs|puppeteer|playwright|selenium|lighthouse|pingdom|uptime|monitor|curl/|wget/|python-requests|python-urllib|httpclient|okhttp|go-http-client|java/|libwww|facebookexternalhit|embedly|preview",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
