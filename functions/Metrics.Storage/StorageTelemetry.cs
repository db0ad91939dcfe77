using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Metrics.Storage;

/// <summary>
/// Every storage request (each HTTP request, retries included) timed and, when it got no answer or a 5xx, counted as a
/// failure, by service and operation; each is also an activity, a child of whatever the caller is doing (a function's
/// invocation), so a trace shows which storage calls a request made. The instruments are the platform's
/// (<see cref="System.Diagnostics.Metrics"/>); the app chooses the exporters (docs/operations.md).
/// </summary>
public static class StorageTelemetry
{
    public const string Name = "Metrics.Storage";

    private static readonly Meter Meter = new(Name);
    private static readonly ActivitySource Source = new(Name);
    private static readonly AsyncLocal<bool> Unobserved = new();

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("metrics_storage_request_duration", "s",
        "Storage requests (retries included), by service and operation.", advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        });

    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("metrics_storage_request_failures", "{request}",
        "Storage requests that got no answer or a 5xx, by service and operation.");

    // 1 answered, 0 not; -1 until the first request. Set by every request, observed or not.
    private static int _lastAnswered = -1;

    static StorageTelemetry() =>
        Meter.CreateObservableGauge("metrics_storage_up", () => _lastAnswered < 0 ? [] : new[] { new Measurement<int>(_lastAnswered) },
            description: "1 if the last storage request got an answer below 500, else 0.");

    /// <summary>
    /// Storage requests made inside the scope are neither timed nor traced (the self-metrics' own reads of storage: a
    /// scrape must not count itself). They still say whether storage is up.
    /// </summary>
    public static IDisposable Unmeasured()
    {
        Unobserved.Value = true;
        return new Scope();
    }

    internal static HttpPipelinePolicy PolicyFor(string service, StorageCallStats calls) => new Observer(service, calls);

    /// <summary>A bounded name for what a request does, from its verb and path (never from a table's or blob's name).</summary>
    internal static string OperationOf(string service, Request request)
    {
        var method = request.Method.Method;
        var path = request.Uri.Path;
        var query = request.Uri.Query;
        if (service == "table")
        {
            if (path.EndsWith("/$batch", StringComparison.Ordinal)) return "batch";
            if (path.EndsWith("/Tables", StringComparison.Ordinal) || path.Contains("/Tables(", StringComparison.Ordinal))
                return method == "DELETE" ? "delete_table" : method == "GET" ? "list_tables" : "create_table";
            return method switch { "GET" => "query", "POST" => "insert", "PUT" or "MERGE" or "PATCH" => "upsert", "DELETE" => "delete", _ => "other" };
        }
        if (query.Contains("comp=lease", StringComparison.Ordinal)) return "lease";
        if (query.Contains("restype=container", StringComparison.Ordinal)) return "container";
        if (query.Contains("comp=block", StringComparison.Ordinal)) return "write";
        return method switch { "GET" or "HEAD" => "read", "PUT" => "write", "DELETE" => "delete", _ => "other" };
    }

    private sealed class Scope : IDisposable
    {
        public void Dispose() => Unobserved.Value = false;
    }

    private sealed class Observer(string service, StorageCallStats calls) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            using var call = Start(message);
            try
            {
                ProcessNext(message, pipeline);
            }
            finally
            {
                call.Finish(message);
            }
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            using var call = Start(message);
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            finally
            {
                call.Finish(message);
            }
        }

        private Call Start(HttpMessage message)
        {
            calls.Count(service);
            var operation = OperationOf(service, message.Request);
            var observed = !Unobserved.Value;
            var activity = observed ? Source.StartActivity($"storage {service} {operation}", ActivityKind.Client) : null;
            activity?.SetTag("metrics.storage.service", service);
            activity?.SetTag("metrics.storage.operation", operation);
            return new Call(service, operation, observed, activity, Stopwatch.GetTimestamp());
        }
    }

    private readonly record struct Call(string Service, string Operation, bool Observed, Activity? Activity, long Started) : IDisposable
    {
        public void Finish(HttpMessage message)
        {
            var failed = !message.HasResponse || message.Response.Status >= 500;
            _lastAnswered = failed ? 0 : 1;
            if (message.HasResponse) Activity?.SetTag("http.response.status_code", message.Response.Status);
            if (failed) Activity?.SetStatus(ActivityStatusCode.Error);
            if (!Observed) return;
            var tags = new TagList { { "service", Service }, { "operation", Operation } };
            Duration.Record(Stopwatch.GetElapsedTime(Started).TotalSeconds, tags);
            if (failed) Failures.Add(1, tags);
        }

        public void Dispose() => Activity?.Dispose();
    }
}
