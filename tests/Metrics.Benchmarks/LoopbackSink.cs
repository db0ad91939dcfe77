using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Metrics.Benchmarks;

/// <summary>
/// An HTTP/1.1 endpoint that reads each request to its end and answers a canned 202, allocating nothing
/// per request. Posting the same bodies here measures what the benchmark's own clients allocate, so that
/// it can be subtracted from what the in-process app and its clients allocate together.
/// </summary>
internal sealed class LoopbackSink : IAsyncDisposable
{
    // About the size of the app's receipt, so the clients read a similar answer.
    private const string Receipt = "{\"batchId\":\"0196a3c2d4e5f6a7b8c9d0e1f2a3b4c5\",\"accepted\":1000,\"duplicates\":0,\"rejected\":[]}";
    private static readonly byte[] Answer = Encoding.ASCII.GetBytes(
        $"HTTP/1.1 202 Accepted\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {Receipt.Length}\r\n\r\n{Receipt}");
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLength = "content-length:"u8.ToArray();

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private long _bodyBytes;

    public LoopbackSink()
    {
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>Request body bytes read so far, to check the clients really sent every batch.</summary>
    public long BodyBytes => Interlocked.Read(ref _bodyBytes);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop with one of these.
        }
        Task[] connections;
        lock (_connections) connections = [.. _connections];
        await Task.WhenAll(connections);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            lock (_connections) _connections.Add(ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        var buffer = new byte[64 * 1024];
        var filled = 0;
        try
        {
            while (true)
            {
                int headerEnd;
                while ((headerEnd = buffer.AsSpan(0, filled).IndexOf(HeaderEnd)) < 0)
                {
                    if (filled == buffer.Length) return; // headers this long are not from our clients
                    var read = await socket.ReceiveAsync(buffer.AsMemory(filled), _stop.Token);
                    if (read == 0) return;
                    filled += read;
                }
                var bodyStart = headerEnd + HeaderEnd.Length;
                var length = BodyLength(buffer.AsSpan(0, headerEnd));
                Interlocked.Add(ref _bodyBytes, length);
                var remaining = (long)length - (filled - bodyStart);
                while (remaining > 0)
                {
                    var read = await socket.ReceiveAsync(buffer, _stop.Token);
                    if (read == 0) return;
                    filled = read;
                    remaining -= read;
                }
                // A negative remainder is the start of the next request, read with the end of this one: keep it.
                var extra = (int)-remaining;
                if (extra > 0) buffer.AsSpan(filled - extra, extra).CopyTo(buffer);
                filled = extra;
                await socket.SendAsync(Answer, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            // The client closed the connection or the sink is stopping.
        }
    }

    private static int BodyLength(ReadOnlySpan<byte> headers)
    {
        foreach (var range in headers.Split("\r\n"u8))
        {
            var line = headers[range];
            if (line.Length > ContentLength.Length && System.Text.Ascii.EqualsIgnoreCase(line[..ContentLength.Length], ContentLength)
                && Utf8Parser.TryParse(line[ContentLength.Length..].Trim((byte)' '), out int length, out _))
                return length;
        }
        return 0;
    }
}
