using System.Net;
using System.Text.Json;
using Metrics.Storage;
using Metrics.Tests.Shared;
using Microsoft.Extensions.Time.Testing;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>How the Functions host invokes the timers: <c>POST /{Name}</c> with its payload, answered in its shape.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TimerInvocationTests(SharedAzurite azurite)
{
    [Fact]
    public async Task Host_invocation_of_NightlyAggregation_answers_200_with_outputs_logs_and_the_summary_as_return_value()
    {
        var time = TrafficHistory.Clock();
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await new TrafficHistory().LoadAsync(app, time);

        var answer = await app.InvokeAsHostAsync(TimerCalls.Nightly);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(["Outputs", "Logs", "ReturnValue"], answer.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Object, answer.Body.GetProperty("Outputs").ValueKind);
        Assert.Empty(answer.Body.GetProperty("Outputs").EnumerateObject());
        Assert.Contains(answer.LogLines, line => line.StartsWith("finalised ", StringComparison.Ordinal));
        Assert.Equal("completed", answer.RunStatus);
        Assert.True(answer.Number("HoursFinalized") > 0, answer.ToString());
        foreach (var field in new[] { "RawRowsRead", "RollupRowsWritten", "RawRowsDeleted", "RollupRowsDeleted", "RawRows", "RollupRows", "TotalRows", "RowBudget" })
            Assert.Equal(JsonValueKind.Number, answer.Summary.GetProperty(field).ValueKind);
        Assert.Equal(JsonValueKind.Number, answer.Summary.GetProperty("DurationSeconds").ValueKind);
    }

    [Fact]
    public async Task Host_invocation_of_RollupCompaction_answers_200_in_the_same_shape_and_compacts_dirty_hours()
    {
        var at = new DateTimeOffset(2025, 7, 1, 12, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(at);
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await app.SendAsync(Traffic.Requests("r", Traffic.Hours(at.AddHours(-3), at), 5));

        var answer = await app.InvokeAsHostAsync(TimerCalls.Compaction);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(["Outputs", "Logs", "ReturnValue"], answer.Body.EnumerateObject().Select(p => p.Name));
        Assert.Empty(answer.Body.GetProperty("Outputs").EnumerateObject());
        Assert.Single(answer.LogLines);
        Assert.Equal(3, answer.Number("HoursCompacted"));
        Assert.Equal(15, answer.Number("RawRowsRead"));
        Assert.Empty(await app.Storage.AllAsync(TableNames.DirtyHours));
    }

    [Fact]
    public async Task Host_invocation_while_storage_is_unreachable_answers_500_in_the_same_shape_so_the_host_records_a_failure()
    {
        var unreachable = UnreachableStorage.ConnectionString;
        await using var app = await TestApp.StartAsync(unreachable, time: new FakeTimeProvider(new DateTimeOffset(2025, 7, 1, 2, 0, 0, TimeSpan.Zero)));

        var answer = await app.InvokeAsHostAsync(TimerCalls.Nightly);

        Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
        Assert.Equal(["Outputs", "Logs", "ReturnValue"], answer.Body.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("failed: ", Assert.Single(answer.LogLines), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, answer.Summary.ValueKind);
    }

    [Fact]
    public async Task Host_invocation_with_an_empty_body_still_runs_the_timer()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 7, 1, 2, 0, 0, TimeSpan.Zero));
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);

        var answer = await app.InvokeAsHostAsync(TimerCalls.Nightly, payload: "");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("completed", answer.RunStatus);
    }
}
