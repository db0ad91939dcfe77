using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Metrics.Client.Tests;

/// <summary>
/// The client as a service gets it: packed by the README's command into a feed of its own, referenced by version from
/// that feed (not a project reference) by a new ASP.NET Core app whose Program.cs holds the README's code blocks as they
/// are, built and run as its own process, and its requests arriving at a receiver. One pack, one build, one run.
/// </summary>
public sealed partial class PackageConsumerTests
{
    private static readonly string Dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    [Fact]
    public async Task A_service_that_adds_the_package_from_a_feed_with_the_READMEs_lines_reports_its_requests()
    {
        var repository = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("metrics-client-package-");
        try
        {
            var feed = work.CreateSubdirectory("feed").FullName;
            var checkout = CopyClientSources(repository, work.CreateSubdirectory("checkout").FullName);
            await RunAsync(checkout, "pack", "functions/Metrics.Client", "-c", "Release", "-o", feed);
            var package = Assert.Single(Directory.GetFiles(feed, "Metrics.Client.*.nupkg"));
            var version = Path.GetFileNameWithoutExtension(package)["Metrics.Client.".Length..];

            var readme = await File.ReadAllTextAsync(Path.Combine(repository, "functions", "Metrics.Client", "README.md"));
            var consumer = WriteConsumer(work.CreateSubdirectory("consumer").FullName, feed, await GlobalPackagesAsync(work.FullName), version, readme);
            await RunAsync(consumer, "build", "-c", "Release", "-p:RestoreIgnoreFailedSources=true");

            await using var receiver = await ScriptedMetricsApp.StartAsync();
            var port = FreePort();
            using var service = Process.Start(new ProcessStartInfo(Dotnet, [Path.Combine(consumer, "bin", "Release", "net10.0", "consumer.dll")])
            {
                WorkingDirectory = consumer,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment =
                {
                    ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                    ["ASPNETCORE_ENVIRONMENT"] = "Production",
                    ["RequestMetrics__Endpoint"] = receiver.Address.ToString(),
                    ["RequestMetrics__IngestionKey"] = "consumer-key",
                    ["RequestMetrics__Service"] = "consumer-api",
                    ["RequestMetrics__FlushInterval"] = "00:00:00.200",
                },
            })!;
            var output = new StringBuilder();
            service.OutputDataReceived += (_, line) => { lock (output) output.AppendLine(line.Data); };
            service.ErrorDataReceived += (_, line) => { lock (output) output.AppendLine(line.Data); };
            service.BeginOutputReadLine();
            service.BeginErrorReadLine();
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                await WaitUntilAsync(async () => (await TryGetAsync(http, "/health")) == HttpStatusCode.OK, service, output);
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/orders/ord_bkpiaazpxs", UriKind.Relative))).StatusCode);
                Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync(new Uri("/chat", UriKind.Relative), null)).StatusCode);

                await WaitUntilAsync(() => Task.FromResult(receiver.Events.Count() >= 2), service, output);
            }
            finally
            {
                service.Kill(entireProcessTree: true);
                await service.WaitForExitAsync();
            }

            var body = System.Text.Json.JsonDocument.Parse(receiver.Bodies.First()).RootElement;
            Assert.Equal("consumer-api", body.GetProperty("service").GetString());
            var events = receiver.Events.ToList();
            Assert.Equal(2, events.Count);   // the health probe is not traffic
            var order = Assert.Single(events, e => e.GetProperty("method").GetString() == "GET");
            Assert.Equal("/orders/{id}", order.GetProperty("route").GetString());
            Assert.Equal(200, order.GetProperty("status").GetInt32());
            var chat = Assert.Single(events, e => e.GetProperty("method").GetString() == "POST");
            Assert.Equal("/chat", chat.GetProperty("route").GetString());
            Assert.Equal(202, chat.GetProperty("status").GetInt32());
            Assert.Equal("gpt-small", chat.GetProperty("model").GetString());
            Assert.Equal(1532, chat.GetProperty("units").GetInt64());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A service's project and Program.cs: the README's first code block (the three lines) between the app's first and
    /// last lines, its second (a request saying more about itself) as a handler's body. Restores from the feed and the
    /// machine's sources; into packages of its own, so a package of the same version restored earlier is never used, with
    /// the machine's packages as a fallback, so nothing else is downloaded.
    /// </summary>
    private static string WriteConsumer(string folder, string feed, string machinePackages, string version, string readme)
    {
        var blocks = CSharpBlock().Matches(readme).Select(m => m.Groups["code"].Value).ToList();
        Assert.True(blocks.Count >= 2, "the README has lost its code blocks");
        File.WriteAllText(Path.Combine(folder, "consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Metrics.Client" Version="[{version}]" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(folder, "packages")}" />
              </config>
              <packageSources>
                <add key="metrics-client-feed" value="{feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{machinePackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), $$"""
            var builder = WebApplication.CreateBuilder(args);
            {{blocks[0]}}
            app.MapGet("/orders/{id}", (string id) => id);
            app.MapPost("/chat", (HttpContext HttpContext) =>
            {
            {{blocks[1]}}
                return Results.Accepted();
            });
            app.MapGet("/health", () => "healthy");
            app.Run();
            """);
        return folder;
    }

    /// <summary>
    /// What a clean checkout holds of the client: the repository's shared build settings and the client's own files, without
    /// any bin/ or obj/ (so the pack is the README's command on a clean checkout, and never writes into the repository).
    /// </summary>
    private static string CopyClientSources(string repository, string checkout)
    {
        foreach (var shared in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "NuGet.config" })
            if (File.Exists(Path.Combine(repository, shared))) File.Copy(Path.Combine(repository, shared), Path.Combine(checkout, shared));
        var client = Path.Combine(repository, "functions", "Metrics.Client");
        foreach (var file in Directory.EnumerateFiles(client, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(client, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj") continue;
            var target = Path.Combine(checkout, "functions", "Metrics.Client", relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return checkout;
    }

    [GeneratedRegex(@"```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    private static async Task<string> GlobalPackagesAsync(string workingDirectory)
    {
        var listed = await RunAsync(workingDirectory, "nuget", "locals", "global-packages", "--list");
        return listed.Trim().Split(": ", 2)[1].Trim();
    }

    private static async Task<string> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Dotnet, [.. arguments, .. arguments[0] is "pack" or "build" ? new[] { "-nologo", "-nodeReuse:false", "--disable-build-servers" } : []])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The test run's own MSBuild settings are not the service's.
        foreach (var name in new[] { "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output + await error;
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{text}");
        return text;
    }

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return (await http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Process service, StringBuilder output)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            string Output() { lock (output) return output.ToString(); }
            Assert.False(service.HasExited, $"the service exited with {(service.HasExited ? service.ExitCode : 0)}:\n{Output()}");
            Assert.True(DateTime.UtcNow < deadline, $"not in 60 s; the service wrote:\n{Output()}");
            await Task.Delay(100);
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Metrics.Functions.sln"))) return folder.FullName;
        throw new InvalidOperationException("Metrics.Functions.sln not found above the test's folder");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
