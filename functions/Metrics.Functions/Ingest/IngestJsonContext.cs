using System.Text.Json;
using System.Text.Json.Serialization;

namespace Metrics.Functions.Ingest;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IngestReceipt))]
internal sealed partial class IngestJsonContext : JsonSerializerContext;
