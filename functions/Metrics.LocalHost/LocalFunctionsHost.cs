using System.Reflection;
using Metrics.LocalHost.Http;
using Metrics.LocalHost.Settings;
using Metrics.LocalHost.Timers;
using Metrics.LocalHost.Worker;
using Yarp.ReverseProxy.Forwarder;

namespace Metrics.LocalHost;

/// <summary>
/// A small Functions host for development and tests: it starts the app's worker process and drives it over the
/// host's gRPC protocol, serves the HTTP functions at their routes on <c>http://127.0.0.1:7071</c> (or <c>--urls</c>),
/// runs the timers on their schedules, and runs any non-HTTP function on <c>POST /admin/functions/{name}</c>.
/// </summary>
public sealed partial class LocalFunctionsHost : IAsyncDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    private readonly WebApplication _app;
    private readonly AppWorker _worker;
    private readonly TimerSchedules _schedules;
    private readonly HttpFunctionInvoker _invoker;
    private readonly DevelopmentStorage _storage;

    private LocalFunctionsHost(WebApplication app, AppWorker worker, TimerSchedules schedules, HttpFunctionInvoker invoker, DevelopmentStorage storage)
    {
        _app = app;
        _worker = worker;
        _schedules = schedules;
        _invoker = invoker;
        _storage = storage;
    }

    /// <summary>Where the HTTP functions are served.</summary>
    public Uri Address => new(_app.Urls.First());

    public IReadOnlyList<WorkerFunction> Functions => _worker.Functions;

    public int WorkerProcessId => _worker.ProcessId;

    /// <summary>The build output of Metrics.Functions, where <c>func start</c> would run.</summary>
    public static string DefaultAppDirectory =>
        typeof(LocalFunctionsHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AppDirectory").Value!;

    /// <param name="args">As for any ASP.NET Core app (<c>--urls</c>, <c>--environment</c>), plus <c>--script-root</c>, the app directory.</param>
    /// <param name="settings">App settings over those of local.settings.json and the environment (tests give theirs here).</param>
    /// <param name="time">The clock the timers' schedules follow; the system's when null.</param>
    public static async Task<LocalFunctionsHost> StartAsync(string[] args, IReadOnlyDictionary<string, string?>? settings = null,
        TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        var names = builder.Configuration.AddLocalSettings(builder.Environment).ToList();
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
            names.AddRange(settings.Keys);
        }
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])) builder.WebHost.UseUrls(DefaultUrl);
        // Each request is logged once, by the function's invoker; the framework's per-request lines would triple it.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Yarp", LogLevel.Warning);
        builder.Services.AddHttpForwarder();
        var app = builder.Build();

        var appSettings = new AppSettings(app.Configuration, names);
        var appDirectory = Path.GetFullPath(app.Configuration["script-root"] ?? DefaultAppDirectory);
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        var storage = new DevelopmentStorage(loggers.CreateLogger<DevelopmentStorage>());
        AppWorker? worker = null;
        try
        {
            await storage.StartAsync(appSettings, app.Environment.ContentRootPath, cancellationToken);
            worker = await AppWorker.StartAsync(appDirectory, appSettings.WorkerEnvironment(appDirectory, app.Environment.EnvironmentName), loggers, cancellationToken);

            var invoker = new HttpFunctionInvoker(worker, app.Services.GetRequiredService<IHttpForwarder>(), loggers.CreateLogger<HttpFunctionInvoker>());
            time ??= TimeProvider.System;
            var timers = new TimerInvoker(worker, time);
            app.UseHostProblems();
            var routes = app.MapHttpFunctions(worker, invoker, HostJson.RoutePrefix(appDirectory)).ToList();
            app.MapAdminFunctions(worker, timers, appSettings);
            await app.StartAsync(cancellationToken);
            var schedules = new TimerSchedules(worker, timers, appSettings, time, loggers.CreateLogger<TimerSchedules>());
            schedules.Start();

            var host = new LocalFunctionsHost(app, worker, schedules, invoker, storage);
            var logger = loggers.CreateLogger<LocalFunctionsHost>();
            var served = string.Join("\n  ", routes);
            LogServing(logger, host.Address, appDirectory, served);
            return host;
        }
        catch
        {
            if (worker is not null) await worker.DisposeAsync();
            await storage.DisposeAsync();
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Serves until the process is asked to stop (Ctrl+C, SIGTERM) or the worker exits; the exit code says which.</summary>
    public async Task<int> RunUntilStoppedAsync()
    {
        var lifetime = _app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStopping.Register(stopping.SetResult);
        var ended = await Task.WhenAny(stopping.Task, _worker.Exited);
        if (ended == stopping.Task) return 0;
        var logger = _app.Services.GetRequiredService<ILogger<LocalFunctionsHost>>();
        LogWorkerExited(logger);
        return 1;
    }

    public async ValueTask DisposeAsync()
    {
        await _schedules.DisposeAsync();
        await _app.StopAsync();
        await _worker.DisposeAsync();
        _invoker.Dispose();
        await _storage.DisposeAsync();
        await _app.DisposeAsync();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Serving {Address} for the app in {AppDirectory}. Functions:\n  {Routes}")]
    private static partial void LogServing(ILogger logger, Uri address, string appDirectory, string routes);

    [LoggerMessage(EventId = 2, Level = LogLevel.Critical, Message = "The worker process exited; stopping")]
    private static partial void LogWorkerExited(ILogger logger);
}
