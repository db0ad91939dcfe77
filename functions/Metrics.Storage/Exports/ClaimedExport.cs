using Azure;
using Metrics.Core.Exports;

namespace Metrics.Storage.Exports;

/// <summary>
/// A job as one run holds it: <paramref name="Owner"/> runs it until <paramref name="LeaseUntil"/> unless it renews, and
/// the ETag proves no other run has claimed it since.
/// </summary>
public sealed record ClaimedExport(ExportJob Job, ETag ETag, string Owner, DateTimeOffset LeaseUntil);
