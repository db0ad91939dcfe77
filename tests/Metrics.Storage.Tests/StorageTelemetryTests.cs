using Metrics.Core.Exports;
using Metrics.Storage.Exports;
using Microsoft.Extensions.Options;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Metrics.Tests.Shared;

namespace Metrics.Storage.Tests;

/// <summary>
/// Every storage request is an activity under whatever called it (a function's invocation), and is timed by service and
/// operation; the self-metrics' own reads are neither.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageTelemetryTests(SharedAzurite azurite)
{
    [Fact]
    public async Task A_storage_call_is_a_child_activity_of_its_caller_and_timed_by_operation()
    {
        var storage = azurite.NewStorage();
        var exports = new ExportStore(storage, new ExportBlobs(storage), Options.Create(new ExportOptions()), TimeProvider.System);
        await exports.UnfinishedAsync(); // creates the table first
        using var recorded = new Recorded();
        using var caller = new ActivitySource("Metrics.Storage.Tests");

        using (var invocation = caller.StartActivity("IngestRequests"))
        {
            await exports.UnfinishedAsync();
            Assert.NotNull(invocation);
            var query = Assert.Single(recorded.Activities);
            Assert.Equal(invocation.TraceId, query.TraceId);
            Assert.Equal(invocation.SpanId, query.ParentSpanId);
            Assert.Equal(ActivityKind.Client, query.Kind);
            Assert.Equal("storage table query", query.DisplayName);
        }

        Assert.Contains(("table", "query"), recorded.Timed);
    }

    [Fact]
    public async Task Reads_inside_an_unmeasured_scope_are_neither_traced_nor_timed_but_still_counted_for_the_account()
    {
        var storage = azurite.NewStorage();
        var exports = new ExportStore(storage, new ExportBlobs(storage), Options.Create(new ExportOptions()), TimeProvider.System);
        await exports.UnfinishedAsync();
        using var recorded = new Recorded();
        var before = storage.Calls.TotalRequests;

        using (StorageTelemetry.Unmeasured())
            await exports.UnfinishedAsync();

        Assert.Empty(recorded.Activities);
        Assert.Empty(recorded.Timed);
        Assert.Equal(before + 1, storage.Calls.TotalRequests);
    }

    /// <summary>What the storage layer's activity source and meter emit while this is alive, on this test's async flow only.</summary>
    private sealed class Recorded : IDisposable
    {
        private readonly ActivityListener _activities;
        private readonly MeterListener _meters = new();
        private readonly AsyncLocal<bool> _mine = new() { Value = true };

        public Recorded()
        {
            _activities = new ActivityListener
            {
                ShouldListenTo = source => source.Name is StorageTelemetry.Name or "Metrics.Storage.Tests",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    if (_mine.Value && activity.Source.Name == StorageTelemetry.Name) Activities.Add(activity);
                },
            };
            ActivitySource.AddActivityListener(_activities);
            _meters.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == StorageTelemetry.Name && instrument.Name == "metrics_storage_request_duration") listener.EnableMeasurementEvents(instrument);
            };
            _meters.SetMeasurementEventCallback<double>((_, _, tags, _) =>
            {
                if (!_mine.Value) return;
                var labels = tags.ToArray().ToDictionary(t => t.Key, t => (string?)t.Value);
                Timed.Add((labels["service"]!, labels["operation"]!));
            });
            _meters.Start();
        }

        public List<Activity> Activities { get; } = [];
        public List<(string Service, string Operation)> Timed { get; } = [];

        public void Dispose()
        {
            _activities.Dispose();
            _meters.Dispose();
        }
    }
}
