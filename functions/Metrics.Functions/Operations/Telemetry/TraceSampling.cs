using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Metrics.Functions.Operations.Telemetry;

/// <summary>
/// How many traces leave the app (configuration section <c>Telemetry</c>; docs/operations.md, "Traces and their cost").
/// Traces are what Application Insights bills per GB; the app's own metrics are not sampled and are what alerts read.
/// </summary>
public sealed class TraceSamplingOptions
{
    public const string Section = "Telemetry";

    /// <summary>One trace in 20: enough to see what a typical request does, a twentieth of the bytes.</summary>
    public const double DefaultTraceRatio = 0.05;

    /// <summary>An HTTP answer slower than this is exported whatever the ratio says.</summary>
    public const double DefaultSlowRequestSeconds = 1.0;

    /// <summary>Share of traces exported (by trace id, so a trace is whole or absent), from 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double TraceRatio { get; set; } = DefaultTraceRatio;

    /// <summary>HTTP invocations at least this long are exported whatever the ratio (0 keeps every one).</summary>
    [Range(0.0, 230.0)]
    public double SlowRequestSeconds { get; set; } = DefaultSlowRequestSeconds;

    /// <summary>
    /// Whether storage calls (dependency spans) are exported with their trace. Off by default: a batch makes about ten,
    /// so they would be most of the bytes, and their durations and failures are already metrics
    /// (<c>metrics_storage_request_duration</c>, <c>metrics_storage_request_failures</c>). A failed call is kept either way.
    /// </summary>
    public bool DependencySpans { get; set; }
}

/// <summary>
/// The head decision, when a span starts. OpenTelemetry .NET decides sampling before a span's outcome is known, so
/// nothing is dropped outright: a span not chosen is still recorded (<see cref="SamplingDecision.RecordOnly"/>: its
/// tags, status and duration are filled in, it is not exported), and <see cref="KeepFailedAndSlowSpans"/> exports it
/// at its end if it failed or was slow. This is the span-level tail sampling OpenTelemetry .NET documents; there is no
/// built-in tail sampler in the SDK.
/// </summary>
internal sealed class TraceSampler(TraceSamplingOptions options) : Sampler
{
    private static readonly SamplingResult Export = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult RecordOnly = new(SamplingDecision.RecordOnly);

    private readonly TraceIdRatioBasedSampler _ratio = new(options.TraceRatio);

    public override SamplingResult ShouldSample(in SamplingParameters parameters)
    {
        if (LeavesOut(parameters.Kind, options)) return RecordOnly;
        var parent = parameters.ParentContext;
        // Inside this process a trace is whole or absent: a child follows its parent's decision.
        if (parent.TraceId != default && !parent.IsRemote)
            return (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? Export : RecordOnly;
        // A root, or the host's invocation context: decided here on the trace id, whatever flag the caller sent, so the
        // share exported is this setting's, not the host's.
        return _ratio.ShouldSample(parameters).Decision == SamplingDecision.RecordAndSample ? Export : RecordOnly;
    }

    /// <summary>Storage calls (the app's only client spans) are not exported for their trace unless asked.</summary>
    public static bool LeavesOut(ActivityKind kind, TraceSamplingOptions options) => kind == ActivityKind.Client && !options.DependencySpans;
}

/// <summary>
/// Runs before the exporters, when a span ends: a failed span (status error: a 5xx, a failed timer run, a storage call
/// that got no answer or a 5xx) and a slow HTTP invocation are marked for export although the head decision was not to.
/// The exporters export only marked spans. A failed request's children that ended unmarked before it are not brought
/// back (a span cannot be exported after its end); its failed storage calls are, being failures themselves.
/// </summary>
internal sealed class KeepFailedAndSlowSpans(TraceSamplingOptions options) : BaseProcessor<Activity>
{
    private readonly TimeSpan _slow = TimeSpan.FromSeconds(options.SlowRequestSeconds);

    /// <summary>
    /// A span started under an exported parent inherits its parent's "recorded" flag even when the sampler said record
    /// only (System.Diagnostics copies the parent's flags; the SDK does not clear it): clear it for what the sampler leaves out.
    /// </summary>
    public override void OnStart(Activity data)
    {
        if (TraceSampler.LeavesOut(data.Kind, options)) data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
    }

    public override void OnEnd(Activity data)
    {
        if (data.Recorded) return;
        if (data.Status == ActivityStatusCode.Error || (data.Kind == ActivityKind.Server && data.Duration >= _slow))
            data.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
    }
}
