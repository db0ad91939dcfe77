using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Queries;

/// <summary>
/// Three days of generated traffic, stored live, compacted and mixed (see <see cref="StoredTraffic.StoreAsync"/>),
/// because a query must give the same answer whatever state storage is in. Queries only read, so every test of
/// <see cref="TrafficQueryTests"/> shares this fixture and stays independent of the others.
/// </summary>
public sealed class TrafficFixture(SharedAzurite azurite) : IAsyncLifetime
{
    /// <summary>The apps' clock: fixed, mid-hour, so presets end at the next whole hour.</summary>
    public static readonly DateTimeOffset Now = new DateTimeOffset(2026, 3, 18, 14, 37, 21, TimeSpan.Zero).AddMilliseconds(250);

    /// <summary>Hours with no traffic at all, inside the data: time series must show them as zeros.</summary>
    internal static readonly DateTimeOffset[] QuietHours = [At(16, 3), At(16, 4), At(16, 5)];

    /// <summary>In the mixed state these hours' events arrive after compaction.</summary>
    internal static readonly DateTimeOffset[] LateHours = [At(15, 23), At(16, 10), At(17, 18)];

    internal static readonly TrafficOptions Options = new()
    {
        Seed = 20260318,
        Requests = 3_000,
        UsageEvents = 1_500,
        Users = 300,
        End = Now.AddMinutes(-2),
        Span = TimeSpan.FromDays(3) + TimeSpan.FromHours(5),
        QuietHours = QuietHours,
    };

    /// <summary>Presets end at the ceiling of the current hour (15:00); custom ranges widen to whole hours.</summary>
    internal static readonly RangeCase Day = new("range=24h", new(At(17, 15), At(18, 15)));
    internal static readonly RangeCase Week = new("range=7d", new(At(11, 15), At(18, 15)));
    internal static readonly RangeCase Month = new("range=30d", new(new DateTimeOffset(2026, 2, 16, 15, 0, 0, TimeSpan.Zero), At(18, 15)));
    internal static readonly RangeCase Ragged = new("from=2026-03-16T07:12:05Z&to=2026-03-17T19:48:30.5Z", new(At(16, 7), At(17, 20)));
    internal static readonly RangeCase WholeDays = new("from=2026-03-16T00:00:00Z&to=2026-03-18T00:00:00Z", new(At(16, 0), At(18, 0)));
    internal static readonly IReadOnlyList<RangeCase> Ranges = [Day, Week, Month, Ragged, WholeDays];

    internal Traffic Traffic { get; private set; } = null!;

    internal IReadOnlyList<StoredTraffic> States { get; private set; } = [];

    internal StoredTraffic Compacted => States.Single(s => s.Name == StoredTraffic.Compacted);

    /// <summary>Roster members: every third user, and one of the formula-like ids.</summary>
    internal static IReadOnlyList<string> Members { get; } =
        Enumerable.Range(0, Options.Users).Where(i => i % 3 == 1).Select(TrafficGenerator.UserId).Append(TrafficGenerator.FormulaUserIds[0]).ToList();

    public async Task InitializeAsync()
    {
        Traffic = TrafficGenerator.Generate(Options);
        States = await Task.WhenAll(new[] { StoredTraffic.Live, StoredTraffic.Compacted, StoredTraffic.Mixed }
            .Select(state => StoredTraffic.StoreAsync(azurite, Now, Traffic, state, LateHours, Members)));
    }

    public async Task DisposeAsync()
    {
        foreach (var state in States) await state.App.DisposeAsync();
    }

    private static DateTimeOffset At(int day, int hour) => new(2026, 3, day, hour, 0, 0, TimeSpan.Zero);
}
