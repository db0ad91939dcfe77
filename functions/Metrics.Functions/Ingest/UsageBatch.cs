using System.ComponentModel;

namespace Metrics.Functions.Ingest;

/// <summary>The body of <c>POST /api/ingest/usage</c>.</summary>
public sealed record UsageBatch(
    [property: Description("A configured site key; the request's Origin must be allowed for it.")] string Site,
    [property: Description("1 to 1,000 events.")] IReadOnlyList<UsageEventShape> Events);
