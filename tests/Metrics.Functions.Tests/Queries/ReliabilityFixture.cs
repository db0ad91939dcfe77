using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Queries;

/// <summary>
/// 36 hours of steady traffic from two services ending two hours before now; in hour 30 checkout has an outage
/// (half its answers are 5xx). Latencies are steady and each service fails exactly once an hour, so the baseline
/// has no noise a spike detector could mistake for a spike. Stored live and compacted.
/// </summary>
public sealed class ReliabilityFixture(SharedAzurite azurite) : IAsyncLifetime
{
    public const string Checkout = "checkout-api";
    public const string Catalog = "catalog-api";
    public const int PerHour = 30;

    public static readonly DateTimeOffset Now = new(2026, 5, 4, 3, 41, 7, TimeSpan.Zero);
    public static readonly DateTimeOffset First = new(2026, 5, 2, 14, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Spike = First.AddHours(30);
    public static readonly DateTimeOffset End = First.AddHours(36);

    internal List<SentRequest> Events { get; } = [];

    internal IReadOnlyList<StoredTraffic> States { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var generator = new TrafficGenerator(new TrafficOptions { Seed = 7, TailShare = 0, LatencySigma = 0.25, Services = [Checkout, Catalog] });
        for (var hour = First; hour < End; hour = hour.AddHours(1))
            foreach (var service in new[] { Checkout, Catalog })
            {
                var failures = service == Checkout && hour == Spike ? PerHour / 2 : 1;
                for (var i = 0; i < PerHour; i++)
                    Events.Add(generator.Request(hour.AddSeconds((i * 119) + 3), status: i < failures ? 503 : 200, service: service));
            }
        var traffic = new Traffic(Events, []);
        States = await Task.WhenAll(new[] { StoredTraffic.Live, StoredTraffic.Compacted }.Select(state => StoredTraffic.StoreAsync(azurite, Now, traffic, state)));
    }

    public async Task DisposeAsync()
    {
        foreach (var state in States) await state.App.DisposeAsync();
    }
}
