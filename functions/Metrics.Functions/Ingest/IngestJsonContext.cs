using System.Text.Json;
using System.Text.Json.Serialization;
using Metrics.Core.Ingestion;

namespace Metrics.Functions.Ingest;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IngestReceipt))]
internal sealed partial class IngestJsonContext : JsonSerializerContext;
