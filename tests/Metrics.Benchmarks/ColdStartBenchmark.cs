using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Metrics.Azurite;

namespace Metrics.Benchmarks;

/// <summary>
/// Issue 10: how long the README's run command takes from process launch to the first 200 from <c>/api/health</c>,
/// with a warm build (<c>dotnet run --no-build</c>) and Azurite already running (its own, on free ports, given as
/// <c>AzureWebJobsStorage</c>), so the figure is the app's start. With <c>--compare-repo</c> it times another
/// checkout's run command too, alternating round by round, so a shared machine's load hits both alike.
/// </summary>
internal static class ColdStartBenchmark
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static readonly Benchmark Definition = new("coldstart",
        "process launch to the first 200 from /api/health through the run command (warm build)",
        """
                   --runs N             launches timed (default 5; the median is reported)
                   --configuration C    the build to run (default Release)
                   --project P          the run command's project (default functions/Metrics.LocalHost)
                   --compare-repo DIR   another checkout whose run command is timed alternately (e.g. the last commit before a change)
                   --compare-project P  that checkout's run command's project (default: --project)
        """,
        RunAsync);

    private sealed record Command(string Name, string Repository, string Project);

    private static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var runs = args.Int("runs", 5, 1, 100);
        var configuration = args.OptionalText("configuration") ?? "Release";
        var project = args.OptionalText("project") ?? "functions/Metrics.LocalHost";
        var compareRepo = args.OptionalText("compare-repo");
        var compareProject = args.OptionalText("compare-project") ?? project;
        args.RejectUnknown();

        var commands = new List<Command> { new("this checkout", RepositoryRoot(), project) };
        if (compareRepo is not null) commands.Insert(0, new Command("compared", Path.GetFullPath(compareRepo), compareProject));
        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync();
        Console.WriteLine($"coldstart: {runs} runs of `dotnet run --no-build -c {configuration} --project …`, to the first 200 from /api/health; " +
            $"Azurite already running on 127.0.0.1:{azurite.Options.TablePort}");

        var times = commands.ToDictionary(c => c, _ => new List<double>());
        for (var run = 1; run <= runs; run++)
        {
            foreach (var command in commands)
            {
                var seconds = await TimeOneStartAsync(command, configuration, azurite.ConnectionString);
                times[command].Add(seconds);
                Console.WriteLine($"run {run}: {command.Name,-14} {command.Project,-32} {seconds,6:F2} s");
            }
        }
        foreach (var command in commands)
            Console.WriteLine($"median {command.Name,-14} {command.Project,-32} {Median(times[command]),6:F2} s  ({command.Repository})");
        if (compareRepo is not null)
            Console.WriteLine($"ratio this / compared: {Median(times[commands[1]]) / Median(times[commands[0]]):F2}");
        return 0;
    }

    private static async Task<double> TimeOneStartAsync(Command command, string configuration, string storage)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = command.Repository, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "run", "--no-build", "-c", configuration, "--project", command.Project, "--", "--urls", $"http://127.0.0.1:{port}" })
            start.ArgumentList.Add(argument);
        start.Environment["AzureWebJobsStorage"] = storage;
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"{command.Project} exited with code {process.ExitCode} before answering");
                if (watch.Elapsed > Timeout) throw new TimeoutException($"{command.Project} did not answer within {Timeout}");
                try
                {
                    using var health = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
                    if (health.StatusCode == HttpStatusCode.OK) return watch.Elapsed.TotalSeconds;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                await Task.Delay(20);
            }
        }
        finally
        {
            // As a service manager would (dotnet run passes SIGTERM on); a worker left behind would skew the next run.
            Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30))) process.Kill(entireProcessTree: true);
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Metrics.Functions.sln"))) return folder.FullName;
        throw new InvalidOperationException("the repository root (Metrics.Functions.sln) is not above the benchmark's folder");
    }
}
