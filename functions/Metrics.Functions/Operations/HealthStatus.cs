using System.Globalization;
using System.Text.Json.Nodes;
using Metrics.Functions.Hosting;
using Metrics.Functions.Operations.OpenApi;
using Metrics.Functions.Operations.Telemetry;
using Metrics.Functions.Security;
using Metrics.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Operations;

/// <summary>Whether storage answers.</summary>
public sealed record HealthStatus(string Status, string Storage);
