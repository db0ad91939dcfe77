using System.Threading.Channels;

namespace Metrics.Functions.Exports;

/// <summary>
/// The jobs waiting to run in this process. Only ids travel here; the job rows are the durable queue, so whatever is
/// lost with the process is found again by another instance's watch (<see cref="ExportRunner"/>).
/// </summary>
public sealed class ExportQueue
{
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleWriter = false });

    public void Enqueue(string id) => _channel.Writer.TryWrite(id);

    internal ChannelReader<string> Reader => _channel.Reader;
}
