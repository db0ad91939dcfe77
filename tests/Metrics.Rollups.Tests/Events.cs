using Metrics.Core.Ingestion;

namespace Metrics.Rollups.Tests;

/// <summary>The request events this project's tests store: event <c>i</c> of an hour, the same every time.</summary>
internal static class Events
{
    public static RequestEvent Request(int i, DateTimeOffset at, string service = "orders-api") => new($"e-{i}", service, at.AddSeconds(i % 3600),
        "/orders/{id}", "GET", 200 + (i % 5 == 0 ? 300 : 0), 1.5 + i, $"u-{i % 13}", "acme", "ES", Invocation.Sync, "gpt-small", 10 * i, 0.25, 0);
}
