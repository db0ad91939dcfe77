using Metrics.Core;
using Metrics.Core.Ingestion;
using Metrics.Functions.Hosting;
using Metrics.Storage.Raw;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Ingest;

/// <summary><c>POST /api/ingest/requests</c>: a service's batch of request metrics.</summary>
internal static class RequestIngestion
{
    public const string KeyHeader = "x-metrics-key";

    public static async Task<Results<Accepted<IngestReceipt>, ProblemHttpResult>> HandleAsync(
        HttpRequest request, IngestKeys keys, BatchAcceptance acceptance, RawEventStore store, IngestCounters counters,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (!keys.Accept(request.Headers[KeyHeader]))
            return Problems.Unauthorized($"Send a configured ingestion key in the {KeyHeader} header.");

        var (body, unreadable) = await BatchBody.ReadAsync(request, allowTextPlain: false, cancellationToken);
        if (unreadable is not null) return unreadable;
        using var _ = body!;
        var (service, events, invalid) = BatchEnvelope.Read(body!.Root, "service");
        if (invalid is not null) return invalid;

        var now = time.GetUtcNow();
        var batch = await acceptance.ReadAsync<RequestEvent>(EventKinds.Requests, events, now,
            window => new RequestEventReader(service, window).Read, cancellationToken);
        if (batch.Accepted.Count == 0) return NoValidEvent(batch.Rejected);

        var batchId = Guid.CreateVersion7(now).ToString("N");
        await store.WriteAsync(batch.Accepted, batchId, now, cancellationToken);
        counters.Count(EventKinds.Requests, batch);
        return TypedResults.Accepted((string?)null, new IngestReceipt(batchId, batch.Accepted.Count, batch.Duplicates, batch.Rejected));
    }

    public static ProblemHttpResult NoValidEvent(IReadOnlyList<Rejection> rejected) =>
        Problems.Of(StatusCodes.Status400BadRequest, "no-valid-event", "No event in the batch is valid",
            $"All {rejected.Count} events were rejected; the first because {rejected[0].Reason}. See 'rejected' for each.",
            new Dictionary<string, object?> { ["rejected"] = rejected });
}

/// <summary>The ingestion keys of <c>Ingest:Keys</c>.</summary>
internal sealed class IngestKeys(IOptions<IngestOptions> options)
{
    private readonly Security.ApiKeys _keys = new(options.Value.Keys);

    public bool Accept(string? presented) => _keys.Accepts(presented);
}
