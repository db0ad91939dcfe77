using System.Threading.Channels;

namespace Metrics.Functions.Exports;

/// <summary>
/// The jobs waiting to run in this process. Only ids travel here; the job rows are the durable queue,
/// so whatever is lost with the process is found again by the next one's startup scan.
/// </summary>
public sealed class ExportQueue
{
    private readonly Channel<(string Id, bool TakeOver)> _channel = Channel.CreateUnbounded<(string, bool)>(new UnboundedChannelOptions { SingleWriter = false });

    public void Enqueue(string id, bool takeOver = false) => _channel.Writer.TryWrite((id, takeOver));

    internal ChannelReader<(string Id, bool TakeOver)> Reader => _channel.Reader;
}
