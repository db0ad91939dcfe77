using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

public sealed record EventTypeCount(string Type, long Count);
