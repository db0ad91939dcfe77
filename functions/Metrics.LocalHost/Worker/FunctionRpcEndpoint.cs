using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Metrics.LocalHost.Worker;

/// <summary>
/// The host's gRPC endpoint the worker connects to (<c>--functions-uri</c>): HTTP/2 without TLS on a free loopback
/// port, serving the protocol's one method for one worker's channel.
/// </summary>
internal sealed class FunctionRpcEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FunctionRpcEndpoint(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<FunctionRpcEndpoint> StartAsync(WorkerChannel channel, CancellationToken cancellationToken)
    {
        // Its own quiet app: the host's log is for the functions, not for the one stream that carries them.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(channel);
        builder.Services.AddGrpc(grpc =>
        {
            // The worker was told it may send messages of any size (--functions-grpc-max-message-length).
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync(cancellationToken);
        return new FunctionRpcEndpoint(app, new Uri(app.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(5));
        await _app.DisposeAsync();
    }

    private sealed class FunctionRpcService(WorkerChannel channel) : FunctionRpc.FunctionRpcBase
    {
        public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream,
            ServerCallContext context) =>
            channel.ServeAsync(requestStream, responseStream, context.CancellationToken);
    }
}
