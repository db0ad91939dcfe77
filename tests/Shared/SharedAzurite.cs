using Metrics.Storage;
using Metrics.Azurite;

namespace Metrics.Tests.Shared;

/// <summary>
/// One in-memory Azurite per test assembly, on free ports. Each test takes its own table prefix from
/// <see cref="NewStorage"/>, so tests never see each other's rows.
/// </summary>
public sealed class SharedAzurite : IAsyncLifetime
{
    private AzuriteProcess? _azurite;

    public string ConnectionString => _azurite!.ConnectionString;

    public async Task InitializeAsync() => _azurite = await AzuriteLauncher.StartOnFreePortsAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }

    public StorageOptions NewStorageOptions() => new() { ConnectionString = ConnectionString, Prefix = UniquePrefix() };

    public StorageAccount NewStorage() => new(NewStorageOptions());

    public static string UniquePrefix() => "t" + Guid.NewGuid().ToString("N")[..12];
}
