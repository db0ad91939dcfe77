using System.Text.Json;
using System.Text.Json.Serialization;
using Metrics.Core.Ingestion;

namespace Metrics.Functions.Ingest;

/// <summary>The answer to an accepted batch: what was stored, what repeated, what was refused and why.</summary>
public sealed record IngestReceipt(string BatchId, int Accepted, int Duplicates, IReadOnlyList<Rejection> Rejected);
