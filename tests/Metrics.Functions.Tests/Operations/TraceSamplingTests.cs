using System.Diagnostics;
using Metrics.Functions.Operations;
using Metrics.Functions.Operations.Telemetry;
using Metrics.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Metrics.Functions.Tests.Operations;

/// <summary>
/// Which spans leave the app (docs/operations.md, "Traces and their cost"): the app's tracing as AddOperations wires it,
/// with an in-memory exporter where Azure Monitor's would be. Spans are made as the app makes them: an invocation from
/// the app's source (server for HTTP, internal for a timer), storage calls as client spans of the storage source.
/// </summary>
public sealed class TraceSamplingTests
{
    private static readonly ActivitySource StorageCalls = new(StorageTelemetry.Name);

    [Fact]
    public void By_default_one_trace_in_twenty_is_exported_and_no_storage_call_that_succeeded()
    {
        using var traces = new ExportedTraces();

        for (var i = 0; i < 2_000; i++) traces.Invocation(ActivityKind.Server, storageCalls: 10);

        var invocations = traces.Exported(ActivityKind.Server);
        // 5% of 2,000 is 100; a binomial spread of ±40 is more than 4 standard deviations.
        Assert.InRange(invocations, 60, 140);
        Assert.Equal(0, traces.Exported(ActivityKind.Client));
    }

    [Fact]
    public void Failed_and_slow_requests_and_failed_storage_calls_are_exported_whatever_the_ratio()
    {
        using var traces = new ExportedTraces(("Telemetry:TraceRatio", "0"));

        traces.Invocation(ActivityKind.Server, storageCalls: 3, failed: true);
        traces.Invocation(ActivityKind.Server, storageCalls: 3, took: TimeSpan.FromSeconds(TraceSamplingOptions.DefaultSlowRequestSeconds));
        traces.Invocation(ActivityKind.Server, storageCalls: 3, failedStorageCall: true);
        traces.Invocation(ActivityKind.Server, storageCalls: 3, took: TimeSpan.FromMilliseconds(900));
        // A long timer run is no slow request: its durations are metrics (metrics_timer_run_duration).
        traces.Invocation(ActivityKind.Internal, storageCalls: 3, took: TimeSpan.FromMinutes(2));

        Assert.Equal(2, traces.Exported(ActivityKind.Server));
        Assert.Equal(0, traces.Exported(ActivityKind.Internal));
        Assert.Equal(1, traces.Exported(ActivityKind.Client));
        Assert.All(traces.All, span => Assert.True(span.Status == ActivityStatusCode.Error || span.Duration >= TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void With_the_ratio_at_one_and_dependency_spans_on_every_span_is_exported_as_before_sampling()
    {
        using var traces = new ExportedTraces(("Telemetry:TraceRatio", "1"), ("Telemetry:DependencySpans", "true"));

        for (var i = 0; i < 50; i++) traces.Invocation(ActivityKind.Server, storageCalls: 10);
        traces.Invocation(ActivityKind.Internal, storageCalls: 4);

        Assert.Equal(50, traces.Exported(ActivityKind.Server));
        Assert.Equal(1, traces.Exported(ActivityKind.Internal));
        Assert.Equal(504, traces.Exported(ActivityKind.Client));
    }

    [Fact]
    public void A_trace_is_exported_whole_storage_calls_included_when_they_are_on()
    {
        using var traces = new ExportedTraces(("Telemetry:TraceRatio", "0.5"), ("Telemetry:DependencySpans", "true"));

        for (var i = 0; i < 200; i++) traces.Invocation(ActivityKind.Server, storageCalls: 4);

        var byTrace = traces.All.GroupBy(span => span.TraceId).ToList();
        Assert.InRange(byTrace.Count, 60, 140);
        Assert.All(byTrace, trace => Assert.Equal(5, trace.Count()));
    }

    [Fact]
    public void Azure_Monitor_exporter_does_not_replace_the_app_sampler()
    {
        // The exporter sets a sampler of its own when it is added; the app's is set after it. Nothing listens on port 9.
        using var traces = new ExportedTraces((OperationsServices.ApplicationInsightsSetting,
            "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/"), ("Telemetry:TraceRatio", "0"));

        for (var i = 0; i < 20; i++) traces.Invocation(ActivityKind.Server, storageCalls: 5);
        traces.Invocation(ActivityKind.Server, storageCalls: 1, failed: true);

        Assert.Equal(1, traces.Exported(ActivityKind.Server));
        Assert.Equal(0, traces.Exported(ActivityKind.Client));
    }

    /// <summary>The app's tracing, exporting into a list; only this test's spans are counted (other tests run in parallel).</summary>
    private sealed class ExportedTraces : IDisposable
    {
        private const string Marker = "test.run";
        private readonly string _run = Guid.NewGuid().ToString("N");
        private readonly List<Activity> _exported = [];
        private readonly ServiceProvider _services;

        public ExportedTraces(params (string Key, string Value)[] settings)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
            var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
            services.AddOperations(configuration);
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_exported));
            _services = services.BuildServiceProvider();
            _services.GetRequiredService<TracerProvider>();
        }

        public IEnumerable<Activity> All
        {
            get
            {
                lock (_exported) return _exported.Where(span => (string?)span.GetTagItem(Marker) == _run).ToList();
            }
        }

        public int Exported(ActivityKind kind) => All.Count(span => span.Kind == kind);

        /// <summary>An invocation as InvocationTelemetry traces it, with storage calls as StorageTelemetry traces them.</summary>
        public void Invocation(ActivityKind kind, int storageCalls, bool failed = false, bool failedStorageCall = false, TimeSpan took = default)
        {
            // A new root each time: no ambient activity carries over between invocations.
            Activity.Current = null;
            using var invocation = ServiceInstruments.Source.StartActivity("IngestRequests", kind, parentContext: default, [new(Marker, _run)]);
            for (var i = 0; i < storageCalls; i++)
            {
                using var call = StorageCalls.StartActivity(ActivityKind.Client, tags: [new(Marker, _run)], name: "storage table batch");
                if (failedStorageCall && i == 0) call?.SetStatus(ActivityStatusCode.Error);
            }
            if (failed) invocation?.SetStatus(ActivityStatusCode.Error);
            invocation?.SetStartTime(DateTime.UtcNow - took);
        }

        public void Dispose() => _services.Dispose();
    }
}
