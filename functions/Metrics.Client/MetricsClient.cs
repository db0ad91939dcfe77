using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Metrics.Client;

/// <summary>
/// Buffers request metrics and sends them in batches from the background: recording never waits on the network and
/// never fails a request. The buffer is bounded; when it is full the oldest event is dropped, and counted. Disposing
/// sends what is buffered (for at most <see cref="RequestMetricsOptions.ShutdownTimeout"/>). For code outside ASP.NET
/// Core (workers, queue consumers) use it directly; in ASP.NET Core, <c>UseRequestMetrics()</c> records every request.
/// </summary>
public sealed class MetricsClient : IAsyncDisposable
{
    private readonly RequestMetricsOptions _options;
    private readonly TimeProvider _time;
    private readonly Channel<RequestMetric> _buffer;
    private readonly ClientInstruments _instruments;
    private readonly BatchSender _sender;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sending;
    // Not disposed: a request may still signal it while the client shuts down, and without a wait handle it holds nothing.
    private readonly SemaphoreSlim _batchFull = new(0);
    private int _unsent;
    private volatile bool _closing;

    /// <param name="service">The service's name in the metrics (<see cref="RequestMetricsOptions.Service"/> wins when set).</param>
    public MetricsClient(RequestMetricsOptions options, HttpClient http, string service, TimeProvider? time = null, ILogger<MetricsClient>? logger = null,
        IMeterFactory? meters = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        if (options.Endpoint is null || string.IsNullOrEmpty(options.IngestionKey))
            throw new ArgumentException("RequestMetrics needs an Endpoint (the metrics app's URL) and an IngestionKey.", nameof(options));
        _options = options;
        _time = time ?? TimeProvider.System;
        _instruments = new ClientInstruments(meters, () => Buffered);
        _buffer = Channel.CreateBounded<RequestMetric>(
            new BoundedChannelOptions(options.BufferCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ =>
            {
                Interlocked.Decrement(ref _unsent);
                _instruments.Dropped.Add(1);
            });
        _sender = new BatchSender(http, options, options.Service ?? service, _instruments, _time, (ILogger?)logger ?? NullLogger.Instance);
        _sending = Task.Run(SendLoopAsync);
    }

    /// <summary>Events waiting to be sent.</summary>
    public int Buffered => _buffer.Reader.Count;

    /// <summary>Buffers one request's metrics; false once the client is disposed.</summary>
    public bool Record(in RequestMetric metric)
    {
        if (!_buffer.Writer.TryWrite(metric)) return false;
        // The sender sleeps through a filling batch; the event that fills one wakes it, so a request never pays for a wake.
        if (Interlocked.Increment(ref _unsent) == _options.BatchSize) _batchFull.Release();
        return true;
    }

    /// <summary>Sends what is buffered, waiting at most the shutdown timeout, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        // Once: the host's shutdown and then its container both dispose it.
        if (!_buffer.Writer.TryComplete()) return;
        _closing = true;
        _batchFull.Release();
        if (await Task.WhenAny(_sending, Task.Delay(_options.ShutdownTimeout, _time)).ConfigureAwait(false) != _sending) await _stop.CancelAsync().ConfigureAwait(false);
        await _sending.ConfigureAwait(false);
        _stop.Dispose();
        _instruments.Dispose();
    }

    /// <summary>
    /// Takes a batch when it is full or when its first event has waited the flush interval, sends it until settled, and
    /// goes on; when recording has ended and the buffer is empty, it is done.
    /// </summary>
    private async Task SendLoopAsync()
    {
        var reader = _buffer.Reader;
        var batch = new List<RequestMetric>(_options.BatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            using (var window = new CancellationTokenSource(_options.FlushInterval, _time))
            {
                while (Take(reader, batch) && !window.IsCancellationRequested)
                    await ((Task)_batchFull.WaitAsync(window.Token)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            await _sender.SendAsync(batch, _stop.Token).ConfigureAwait(false);
            batch.Clear();
            if (_stop.IsCancellationRequested)
            {
                // Shutdown's time is up: what is left is counted, not sent.
                while (reader.TryRead(out _)) _instruments.Dropped.Add(1);
                return;
            }
        }
    }

    /// <summary>Moves buffered events into the batch; true while it has room and recording goes on.</summary>
    private bool Take(ChannelReader<RequestMetric> reader, List<RequestMetric> batch)
    {
        var taken = 0;
        while (batch.Count < _options.BatchSize && reader.TryRead(out var metric))
        {
            batch.Add(metric);
            taken++;
        }
        Interlocked.Add(ref _unsent, -taken);
        return batch.Count < _options.BatchSize && !_closing;
    }
}
