using Metrics.Core.Ingestion;

namespace Metrics.Benchmarks;

/// <summary>Fixed pools of dimension values, so both volumes have the same tuples every day.</summary>
internal static class Traffic
{
    private static readonly string[] Services = ["orders-api", "billing-api", "search-api"];
    private static readonly string[] Endpoints = ["/orders/{id}", "/orders", "/invoices/{id}", "/search", "/items/{id}", "/cart"];
    private static readonly string[] Models = ["gpt-small", "gpt-large", ""];
    private static readonly string[] Countries = ["ES", "DE", "FR", "US", "GB", "IT", "NL", "SE", "PL", "PT"];

    /// <param name="service">One service for every event, or null for the pool of three.</param>
    public static RequestEvent Event(Random random, int i, DateTimeOffset at, string? service = null)
    {
        // Log-normal body with a heavy tail: most requests ~20 ms, some seconds.
        var duration = Math.Round(Math.Exp(3 + 1.2 * Gaussian(random)), 3);
        var status = random.NextDouble() switch { < 0.02 => 503, < 0.07 => 404, _ => 200 };
        var model = Models[random.Next(Models.Length)];
        return new RequestEvent($"e{i}", service ?? Services[random.Next(Services.Length)], at, Endpoints[random.Next(Endpoints.Length)],
            random.Next(4) == 0 ? "POST" : "GET", status, Math.Min(duration, 600_000), $"u{random.Next(500)}", $"org{random.Next(20)}",
            Countries[random.Next(Countries.Length)], random.Next(5) == 0 ? Invocation.Async : Invocation.Sync,
            model.Length == 0 ? null : model, random.Next(0, 5000), Math.Round(random.NextDouble() * 10, 3), 0);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
