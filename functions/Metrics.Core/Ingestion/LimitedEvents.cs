namespace Metrics.Core.Ingestion;

/// <summary>What the limit made of a batch: its events (some folded into <see cref="EndpointLimit.Overflow"/>) and the endpoints it admitted.</summary>
public sealed record LimitedEvents(IReadOnlyList<RequestEvent> Events, IReadOnlyDictionary<ServiceDay, IReadOnlyList<string>> Admitted, int Folded);
