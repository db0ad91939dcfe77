using Azure;
using Metrics.Core.Exports;

namespace Metrics.Storage.Exports;

/// <summary>A job as one run claimed it: the ETag proves no other run has claimed it since.</summary>
public sealed record ClaimedExport(ExportJob Job, ETag ETag);
