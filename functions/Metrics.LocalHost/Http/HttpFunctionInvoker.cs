using System.Diagnostics;
using System.Text.Json;
using Metrics.LocalHost.Worker;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Yarp.ReverseProxy.Forwarder;

namespace Metrics.LocalHost.Http;

/// <summary>
/// One HTTP function call, made as the Functions host makes it for a worker with ASP.NET Core integration: an
/// invocation over gRPC (trigger data, route values, trace context) and, at the same time, the request itself
/// forwarded to the worker's HTTP server with the invocation's id, whose answer goes back to the caller as it is.
/// </summary>
internal sealed partial class HttpFunctionInvoker(AppWorker worker, IHttpForwarder forwarder, ILogger<HttpFunctionInvoker> logger) : IDisposable
{
    /// <summary>
    /// The worker's server speaks HTTP/1.1 over plain TCP; Azure's front end ends an HTTP call after 230 seconds,
    /// whatever the function does.
    /// </summary>
    private static readonly ForwarderRequestConfig Forwarding = new()
    {
        ActivityTimeout = TimeSpan.FromSeconds(230),
        Version = System.Net.HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
    });

    private readonly string _workerAddress = worker.HttpUri.GetLeftPart(UriPartial.Authority);

    public async Task InvokeAsync(HttpContext context, WorkerFunction function)
    {
        var started = Stopwatch.GetTimestamp();
        var invocationId = Guid.NewGuid().ToString();
        var invocation = worker.InvokeAsync(Invocation(context, function, invocationId), context.RequestAborted);
        var error = await forwarder.SendAsync(context, _workerAddress, _client, Forwarding, new InvocationTransformer(invocationId));
        if (error != ForwarderError.None)
        {
            // The worker never got the request: its invocation ends by itself when it times out waiting for it.
            _ = invocation.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            LogForwardFailed(logger, function.Name, invocationId, error, context.Features.Get<IForwarderErrorFeature>()?.Exception);
            return;
        }
        try
        {
            var result = await invocation;
            if (result.Result.Status != StatusResult.Types.Status.Success)
                LogFailed(logger, function.Name, invocationId, result.Result.Exception?.Message ?? result.Result.Status.ToString());
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller left; the worker finishes the invocation on its own.
        }
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogCompleted(logger, function.Name, context.Response.StatusCode, elapsedMs);
    }

    public void Dispose() => _client.Dispose();

    private static InvocationRequest Invocation(HttpContext context, WorkerFunction function, string invocationId)
    {
        var request = context.Request;
        var http = new RpcHttp { Method = request.Method, Url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}" };
        foreach (var (name, values) in request.Headers) http.Headers[name.ToLowerInvariant()] = values.ToString();
        foreach (var (name, values) in request.Query) http.Query[name] = values.ToString();
        var invocation = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.Id,
            TraceContext = TraceContext.Current(),
            InputData = { new ParameterBinding { Name = function.TriggerBinding, Data = new TypedData { Http = http } } },
        };
        foreach (var (name, value) in request.RouteValues)
        {
            if (value?.ToString() is not { } text) continue;
            http.Params[name] = text;
            invocation.TriggerMetadata[name] = new TypedData { String = text };
        }
        invocation.TriggerMetadata["Query"] = new TypedData { Json = JsonSerializer.Serialize(http.Query) };
        invocation.TriggerMetadata["Headers"] = new TypedData { Json = JsonSerializer.Serialize(http.Headers) };
        return invocation;
    }

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "{Function} answered {Status} in {ElapsedMs:F1} ms")]
    private static partial void LogCompleted(ILogger logger, string function, int status, double elapsedMs);

    [LoggerMessage(EventId = 502, Level = LogLevel.Error, Message = "{Function} invocation {InvocationId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string function, string invocationId, string reason);

    [LoggerMessage(EventId = 503, Level = LogLevel.Error, Message = "{Function} invocation {InvocationId}: the request could not be forwarded to the worker ({Error})")]
    private static partial void LogForwardFailed(ILogger logger, string function, string invocationId, ForwarderError error, Exception? exception);
}
