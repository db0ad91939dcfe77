using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Metrics.Functions.Operations.Telemetry;

/// <summary>
/// What the app measures of its own functions (docs/operations.md): requests by function, method and status class with
/// their duration, requests in flight, timer runs with their outcome and duration, and which build is running. Labels
/// take only bounded values: function names, HTTP methods, status classes, outcomes.
/// </summary>
public sealed class ServiceInstruments
{
    public const string Name = "Metrics.Functions";

    /// <summary>One activity per invocation; storage calls made during it are its children.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>Seconds; from a millisecond to the platform's 230 s cap on an HTTP answer.</summary>
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 230];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Counter<long> _timerRuns;
    private readonly Histogram<double> _timerDuration;
    private readonly Counter<long> _exports;
    private readonly Dictionary<string, long> _lastTimerSuccess = new(StringComparer.Ordinal);

    public ServiceInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _requests = meter.CreateCounter<long>("metrics_http_requests", "{request}", "HTTP requests answered, by function, method and status class.");
        _requestDuration = meter.CreateHistogram<double>("metrics_http_request_duration", "s", "Time to answer, by function, method and status class.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _inFlight = meter.CreateUpDownCounter<long>("metrics_http_requests_in_flight", "{request}", "HTTP requests being answered now, by function.");
        _timerRuns = meter.CreateCounter<long>("metrics_timer_runs", "{run}", "Timer function runs, by function and outcome (succeeded, failed).");
        _timerDuration = meter.CreateHistogram<double>("metrics_timer_run_duration", "s", "How long timer runs take, by function and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800, 3600] });
        _exports = meter.CreateCounter<long>("metrics_export_jobs_finished", "{job}", "Export jobs finished, by outcome (succeeded, failed).");
        meter.CreateObservableGauge("metrics_timer_last_success", LastSuccesses, "s",
            "When each timer function last succeeded on this instance (Unix time); alert when it is too long ago.");
        var (version, commit) = Build();
        meter.CreateObservableGauge("metrics_service_info", () => new Measurement<int>(1, new("version", version), new("commit", commit)),
            description: "Always 1; its labels say which build is running.");
    }

    public void RequestStarted(string function) => _inFlight.Add(1, new KeyValuePair<string, object?>("function", function));

    public void RequestAnswered(string function, string method, int status, TimeSpan elapsed)
    {
        _inFlight.Add(-1, new KeyValuePair<string, object?>("function", function));
        var tags = new TagList { { "function", function }, { "method", method.ToUpperInvariant() }, { "status_class", $"{status / 100}xx" } };
        _requests.Add(1, tags);
        _requestDuration.Record(elapsed.TotalSeconds, tags);
    }

    public void TimerRan(string function, bool succeeded, TimeSpan elapsed, DateTimeOffset finishedAt)
    {
        var tags = new TagList { { "function", function }, { "outcome", succeeded ? "succeeded" : "failed" } };
        _timerRuns.Add(1, tags);
        _timerDuration.Record(elapsed.TotalSeconds, tags);
        if (succeeded)
            lock (_lastTimerSuccess) _lastTimerSuccess[function] = finishedAt.ToUnixTimeSeconds();
    }

    public void ExportFinished(bool succeeded) => _exports.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : "failed"));

    private IEnumerable<Measurement<long>> LastSuccesses()
    {
        lock (_lastTimerSuccess)
            return _lastTimerSuccess.Select(t => new Measurement<long>(t.Value, new KeyValuePair<string, object?>("function", t.Key))).ToList();
    }

    /// <summary>The build's version and commit, from the informational version the SDK stamps (<c>1.0.0+&lt;commit&gt;</c>).</summary>
    private static (string Version, string Commit) Build()
    {
        var informational = typeof(ServiceInstruments).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var parts = informational.Split('+', 2);
        return (parts[0], parts.Length > 1 ? parts[1] : "unknown");
    }
}
