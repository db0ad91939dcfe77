using System.Diagnostics.Metrics;

namespace Metrics.Client;

/// <summary>
/// The client's own counters, on the platform's metrics API (meter <c>Metrics.Client</c>): events sent, dropped (buffer full,
/// or refused for good) and rejected by the app, send attempts retried, and events buffered now.
/// </summary>
internal sealed class ClientInstruments : IDisposable
{
    public const string MeterName = "Metrics.Client";

    private readonly Meter _meter;

    public ClientInstruments(IMeterFactory? meters, Func<int> buffered)
    {
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        Sent = _meter.CreateCounter<long>("metrics.client.events.sent", "{event}", "Events the app acknowledged (202).");
        Rejected = _meter.CreateCounter<long>("metrics.client.events.rejected", "{event}", "Events the app refused with a reason (invalid).");
        Dropped = _meter.CreateCounter<long>("metrics.client.events.dropped", "{event}", "Events given up: the buffer was full, the key was refused, or shutdown came first.");
        Retried = _meter.CreateCounter<long>("metrics.client.sends.retried", "{attempt}", "Batch sends tried again after a 408, 429, 5xx or network error.");
        _meter.CreateObservableGauge("metrics.client.events.buffered", buffered, "{event}", "Events waiting to be sent.");
    }

    public Counter<long> Sent { get; }
    public Counter<long> Rejected { get; }
    public Counter<long> Dropped { get; }
    public Counter<long> Retried { get; }

    public void Dispose() => _meter.Dispose();
}
