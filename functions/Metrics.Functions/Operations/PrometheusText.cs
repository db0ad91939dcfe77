using System.Globalization;
using System.Text;
using Metrics.Functions.Ingest;
using Metrics.Storage;

namespace Metrics.Functions.Operations;

/// <summary>The self-metrics in Prometheus text exposition format (version 0.0.4).</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4";

    public static string Render(IngestCounters ingest, FunctionLatency functions, StorageCallStats storage, TimerRuns timers)
    {
        var text = new StringBuilder();
        Header(text, "metrics_ingested_events_total", "counter", "Events seen by ingestion, by kind, outcome and rejection reason.");
        foreach (var ((kind, outcome, reason), count) in ingest.Snapshot())
            Line(text, "metrics_ingested_events_total", $"kind=\"{kind}\",outcome=\"{outcome}\",reason=\"{reason}\"", count);

        Header(text, "metrics_function_duration_seconds", "histogram", "Time to answer, by HTTP function.");
        foreach (var (function, count, sum, buckets) in functions.Snapshot())
            Histogram(text, "metrics_function_duration_seconds", $"function=\"{function}\"", count, sum, buckets);

        Header(text, "metrics_storage_request_duration_seconds", "histogram", "Storage HTTP requests (retries included), by service.");
        foreach (var (service, count, _, sum, buckets) in storage.Snapshot())
            Histogram(text, "metrics_storage_request_duration_seconds", $"service=\"{service}\"", count, sum, buckets);
        Header(text, "metrics_storage_request_failures_total", "counter", "Storage requests that got no answer or a 5xx, by service.");
        foreach (var (service, _, failures, _, _) in storage.Snapshot())
            Line(text, "metrics_storage_request_failures_total", $"service=\"{service}\"", failures);

        Header(text, "metrics_timer_last_run_timestamp_seconds", "gauge", "When each timer function last finished (Unix time).");
        Header(text, "metrics_timer_last_run_duration_seconds", "gauge", "How long each timer function's last run took.");
        Header(text, "metrics_timer_last_run_succeeded", "gauge", "1 if the last run succeeded, else 0.");
        foreach (var (name, run) in timers.Last())
        {
            Line(text, "metrics_timer_last_run_timestamp_seconds", $"function=\"{name}\"", run.FinishedAt.ToUnixTimeSeconds());
            Line(text, "metrics_timer_last_run_duration_seconds", $"function=\"{name}\"", run.Duration.TotalSeconds);
            Line(text, "metrics_timer_last_run_succeeded", $"function=\"{name}\"", run.Succeeded ? 1 : 0);
        }
        return text.ToString();
    }

    private static void Histogram(StringBuilder text, string name, string labels, long count, double sum, long[] buckets)
    {
        long cumulative = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            cumulative += buckets[i];
            Line(text, name + "_bucket", $"{labels},le=\"{StorageCallStats.Buckets[i].ToString(CultureInfo.InvariantCulture)}\"", cumulative);
        }
        Line(text, name + "_bucket", $"{labels},le=\"+Inf\"", count);
        Line(text, name + "_sum", labels, sum);
        Line(text, name + "_count", labels, count);
    }

    private static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");

    private static void Line(StringBuilder text, string name, string labels, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {value}\n");
}
