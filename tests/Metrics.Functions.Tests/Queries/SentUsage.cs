using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Ingest;

namespace Metrics.Functions.Tests.Queries;

/// <summary>One usage beacon exactly as it was sent, with the browser that sent it.</summary>
/// <param name="SentPage">The page as sent, possibly with a query string or fragment.</param>
/// <param name="AnonymousVisitor">For events without a user: which simulated browser (its own User-Agent) sent it.</param>
/// <param name="SentCountry">The country header the front end set on the beacon's request, as it set it (any case), or none.</param>
internal sealed record SentUsage(string Id, string Type, DateTimeOffset Timestamp, string? SentPage, string? Name, string? ElementId,
    string? UserId, int AnonymousVisitor, string SessionId, string? SentCountry = null)
{
    /// <summary>The country the event counts under: the header's code in capitals.</summary>
    public string? Country => SentCountry?.ToUpperInvariant();

    public bool IsAnonymous => UserId is null;

    /// <summary>Pages are stored as paths: the query string and fragment are dropped.</summary>
    public string? Page => SentPage is null ? null : SentPage.Split('?', '#')[0] is { Length: > 0 } path ? path : null;

    /// <summary>Who the event counts as: the user, or the anonymous browser (one salted hash per browser and day).</summary>
    public string Visitor => UserId ?? $"anonymous-browser-{AnonymousVisitor}";

    public string UserAgent => UserId is null ? TrafficGenerator.AnonymousUserAgent(AnonymousVisitor) : TestApp.BrowserUserAgent;

    public JsonObject ToJson() => Batches.UsageJson(Id, Type, Timestamp, SentPage, Name, ElementId, UserId, SessionId,
        Type == "feature_use" ? new JsonObject { ["plan"] = "pro", ["seats"] = 3 } : null);
}
