using Metrics.Storage.Locks;
using Metrics.Tests.Shared;

namespace Metrics.Storage.Tests.Locks;

[Collection(AzuriteCollection.Name)]
public sealed class RunLockTests(SharedAzurite azurite)
{
    [Fact]
    public async Task Only_one_holder_at_a_time_and_released_on_dispose()
    {
        var options = azurite.NewStorageOptions();
        var first = new RunLock(new StorageAccount(options));
        var second = new RunLock(new StorageAccount(options));

        var held = await first.TryAcquireAsync("job");
        Assert.NotNull(held);
        Assert.Null(await second.TryAcquireAsync("job"));
        Assert.NotNull(await second.TryAcquireAsync("other-job"));

        await held!.DisposeAsync();
        await using var again = await second.TryAcquireAsync("job");
        Assert.NotNull(again);
    }
}
