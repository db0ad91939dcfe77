using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Queries;

/// <summary>An app with no data, its clock fixed: validation and authorisation come before any data is read.</summary>
public sealed class IdleAppFixture(SharedAzurite azurite) : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 15, 42, TimeSpan.Zero);

    internal TestApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await TestApp.StartAsync(azurite.ConnectionString, time: new SharedClock(Now));

    public async Task DisposeAsync() => await App.DisposeAsync();
}
