using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Queries;

/// <summary>
/// Raw rows are kept seven days, rollups ninety. Traffic sent three weeks ago (the fake clock set back) and compacted
/// then; the clock moved on to now, and a day of recent traffic sent and left uncompacted.
/// </summary>
public sealed class OlderDataFixture(SharedAzurite azurite) : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 7, 20, 16, 22, 48, TimeSpan.Zero);
    public static readonly DateTimeOffset Then = Now.AddDays(-21);

    internal SharedClock Time { get; } = new(Then);
    internal TestApp App { get; private set; } = null!;
    internal Traffic Old { get; private set; } = null!;
    internal Traffic Recent { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await StoredTraffic.StartAppAsync(azurite, Time);
        await App.Client.SetPricesAsync(TrafficGenerator.Prices);
        Old = TrafficGenerator.Generate(new TrafficOptions { Seed = 21, Requests = 1_500, UsageEvents = 600, End = Then.AddMinutes(-5), Span = TimeSpan.FromDays(2.5) });
        await Old.PostAsync(App.Client);
        await App.RunCompactionAsync();

        // Anonymous visitors are hashed with a salt of the day they are seen: the recent ones are other browsers.
        Time.SetUtcNow(Now);
        Recent = TrafficGenerator.Generate(new TrafficOptions
        {
            Seed = 22, Requests = 400, UsageEvents = 200, FirstAnonymousVisitor = 1_000, End = Now.AddMinutes(-1), Span = TimeSpan.FromDays(1),
        });
        await Recent.PostAsync(App.Client);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
