using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Metrics.Functions.Tests.Ingest;
using Metrics.Functions.Tests.Security;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Hosting;

/// <summary>
/// The README's run command, as a developer types it: <c>dotnet run --project functions/Metrics.LocalHost -- --urls …</c>
/// serves the app, takes its settings from the environment over local.settings, and leaves nothing running when stopped.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RunCommandTests(SharedAzurite azurite)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_run_command_serves_the_app_on_the_given_url_and_stops_its_worker_when_stopped()
    {
        var port = FreePort();
        using var command = Start(port, new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage__Prefix"] = SharedAzurite.UniquePrefix(),
            ["Ingest__Keys"] = TestApp.IngestKey,
            ["Auth__AdminKeys"] = TestApp.AdminKey,
        });
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitForHealthAsync(client, command);

            var ingested = await client.PostRequestsAsync(Batches.Requests("run-command", 3, DateTimeOffset.UtcNow.AddMinutes(-1)));
            Assert.Equal(HttpStatusCode.Accepted, ingested.StatusCode);
            var performance = await client.GetAsAsync("/api/metrics/performance?range=24h", TestApp.AdminKey);
            Assert.Equal(HttpStatusCode.OK, performance.StatusCode);
            Assert.Equal(3, (await performance.ReadJsonAsync()).GetProperty("summary").GetProperty("requests").GetInt32());
            var workers = WorkerProcesses(command);
            Assert.Single(workers);

            // What Ctrl+C or a service manager does.
            var host = Process.GetProcesses().Single(p => IsHostOf(p, command));
            Process.Start("kill", ["-TERM", host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await command.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.All(workers, worker => Assert.True(worker.WaitForExit(TimeSpan.FromSeconds(10)), $"worker {worker.Id} still running"));
        }
        finally
        {
            if (!command.HasExited) command.Kill(entireProcessTree: true);
        }
    }

    private static Process Start(int port, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryRoot(), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "run", "--no-build", "-c", Configuration, "--project", "functions/Metrics.LocalHost", "--", "--urls", $"http://127.0.0.1:{port}" })
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForHealthAsync(HttpClient client, Process command)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            Assert.False(command.HasExited, $"the run command exited with code {(command.HasExited ? command.ExitCode : 0)}");
            try
            {
                if ((await client.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            Assert.True(DateTime.UtcNow < deadline, $"no answer from /api/health within {StartTimeout.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    /// <summary>The host is <c>dotnet run</c>'s child; the worker is the host's.</summary>
    private static List<Process> WorkerProcesses(Process command)
    {
        var host = Process.GetProcesses().Single(p => IsHostOf(p, command));
        return Process.GetProcesses().Where(p => ParentOf(p) == host.Id).ToList();
    }

    private static bool IsHostOf(Process process, Process command) => ParentOf(process) == command.Id;

    /// <summary>The parent's id, from Linux's <c>/proc/{pid}/stat</c> (its fourth field, after the parenthesised name).</summary>
    private static int? ParentOf(Process process)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{process.Id}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Metrics.Functions.sln"))) return folder.FullName;
        throw new InvalidOperationException("the repository root (Metrics.Functions.sln) is not above the test's folder");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
}
