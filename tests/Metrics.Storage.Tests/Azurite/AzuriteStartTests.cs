using System.Net;
using System.Net.Sockets;
using Metrics.Azurite;

namespace Metrics.Storage.Tests.Azurite;

public sealed class AzuriteStartTests
{
    [Fact]
    public async Task Start_fails_clearly_when_another_process_holds_the_table_port_instead_of_reporting_it_ready()
    {
        // The other process answers on the table port, so "the port accepts connections" is no proof.
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var free = AzuriteOptions.OnFreePorts();
        var options = free with { TablePort = ((IPEndPoint)squatter.LocalEndpoint).Port };
        var process = new AzuriteProcess(await AzuriteLauncher.InstallAsync(), options);

        var failure = await Assert.ThrowsAsync<AzuriteStartException>(() => process.StartAsync(TimeSpan.FromSeconds(60)));

        Assert.True(AzuriteProcess.IsPortTaken(failure), failure.Message);
        Assert.False(AzuriteLauncher.IsListening(options with { TablePort = free.TablePort }), "Azurite's blob port should be closed after the failed start");
    }

    [Fact]
    public async Task Started_Azurite_answers_table_requests_on_its_own_ports()
    {
        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync();

        var table = new StorageAccount(new StorageOptions { ConnectionString = azurite.ConnectionString }).TableService;

        Assert.Empty(await table.QueryAsync().ToListAsync());
    }
}
