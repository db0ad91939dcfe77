using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Ingestion;

namespace Metrics.Core.Tests.Rollups;

/// <summary>Generated events of one hour, with the dimension values and field shapes real traffic has.</summary>
internal static class RollupEvents
{
    public static readonly DateTimeOffset Hour = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Latencies from 0.5 ms to 60 s with four decimals, so sub-microsecond digits meet the rounding to whole
    /// microseconds; plus exact zeros and round values, because real timers report both.
    /// </summary>
    public static readonly Gen<double> Milliseconds = Gen.Frequency(
        (1, Gen.Constant(0.0)),
        (2, Gen.Elements(0.5, 1.0, 12.5, 250.0, 0.0005, 2.0005)),
        (12, from a in Gen.Choose(0, 1_000_000)
             from b in Gen.Choose(0, 1_000_000)
             select Math.Round(Math.Exp(Math.Log(0.5) + ((a + b) / 2_000_000.0 * Math.Log(120_000))), 4)));

    /// <summary>
    /// Multiples of 1/64 ms below 65.5 s: every partial sum is exact in a double, so even a sketch's floating-point
    /// Sum cannot depend on the order events are added or merged in. Half of them land on a half microsecond.
    /// </summary>
    public static readonly Gen<double> DyadicMilliseconds = Gen.Choose(0, 1 << 22).Select(k => k / 64.0);

    public static Gen<RequestEvent> Request(Gen<double> milliseconds, int users) =>
        from service in Gen.Elements("orders-api", "search-api", "billing-api")
        from route in Gen.Elements(("GET", "/api/orders/{id}"), ("POST", "/api/orders"), ("GET", "/api/search"), ("DELETE", "/api/orders/{id}"))
        from status in Gen.Frequency((16, Gen.Elements(200, 201, 204, 304)), (2, Gen.Elements(400, 404, 429, 499)), (1, Gen.Elements(500, 503, 599)))
        from duration in milliseconds
        from user in Optional(Gen.Choose(0, users - 1).Select(i => $"u-{i}"))
        from org in Optional(Gen.Elements("acme", "globex", "initech"))
        from country in Optional(Gen.Elements("ES", "US", "DE", "JP"))
        from invocation in Gen.Elements(Invocation.Sync, Invocation.Async)
        from model in Optional(Gen.Elements("gpt-small", "gpt-large", "embed"))
        from units in Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(1, 50_000)))
        from cpu in milliseconds
        from gpu in Gen.Frequency((1, Gen.Constant(0.0)), (1, milliseconds))
        from millisecond in Gen.Choose(0, 3_599_999)
        select new RequestEvent($"e-{millisecond}", service, Hour.AddMilliseconds(millisecond), route.Item2, route.Item1, status,
            duration, user, org, country, invocation, model, units, cpu, gpu);

    public static Gen<UsageEvent> Usage(int visitors) =>
        from type in Gen.Elements(UsageEventTypes.All.ToArray())
        from page in Gen.Elements("/", "/pricing", "/docs", "/docs/getting-started")
        from visitor in Gen.Choose(0, visitors - 1)
        from signedIn in Gen.Elements(true, false)
        from name in Optional(Gen.Elements("upgrade", "signup", "export-csv"))
        from country in Optional(Gen.Elements("ES", "US", "DE"))
        from millisecond in Gen.Choose(0, 3_599_999)
        select new UsageEvent($"b-{millisecond}", "site_1", type, Hour.AddMilliseconds(millisecond),
            type == UsageEventTypes.PageView || visitor % 2 == 0 ? page : null, type == UsageEventTypes.PageView ? null : name, null,
            signedIn ? $"u-{visitor}" : null, signedIn ? $"u-{visitor}" : $"anon-{visitor:x24}", "s-1", country, null);

    /// <summary>Up to <paramref name="maxLength"/> events; an empty set is a legitimate input too.</summary>
    public static Gen<T[]> Batch<T>(Gen<T> events, int maxLength) => Gen.Choose(0, maxLength).SelectMany(length => events.ArrayOf(length));

    private static Gen<string?> Optional(Gen<string> values) =>
        Gen.Frequency((1, Gen.Constant<string?>(null)), (5, values.Select(v => (string?)v)));
}
