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
        var serviceName = service ?? Services[random.Next(Services.Length)];
        var endpoint = Endpoints[random.Next(Endpoints.Length)];
        var method = random.Next(4) == 0 ? "POST" : "GET";
        var user = random.Next(Users);
        return new RequestEvent($"e{i}", serviceName, at, endpoint, method, status, Math.Min(duration, 600_000), $"u{user}", $"org{OrgOf(user, random.Next(3))}",
            Countries[random.Next(Countries.Length)], random.Next(5) == 0 ? Invocation.Async : Invocation.Sync,
            model.Length == 0 ? null : model, random.Next(0, 5000), Math.Round(random.NextDouble() * 10, 3), 0);
    }

    private const int Users = 500;
    private const int Orgs = 20;

    /// <summary>
    /// The org a request of <paramref name="user"/> is made for. A user works for one org (25 users an org), and one user in
    /// ten also for a second org, which a third of their requests are for. Until 2026-12-07 every request drew its org at
    /// random, so each of the 500 users appeared under all 20 orgs: no product's users do, and it multiplied the
    /// per-org user rows by 20 (issue 26). <paramref name="draw"/> is 0, 1 or 2.
    /// </summary>
    private static int OrgOf(int user, int draw)
    {
        var home = user % Orgs;
        var inTwoOrgs = user % 10 == 0;
        return inTwoOrgs && draw == 0 ? (home + 1 + user / 10 % (Orgs - 1)) % Orgs : home;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
