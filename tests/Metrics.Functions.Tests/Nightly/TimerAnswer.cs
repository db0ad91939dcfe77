using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Metrics.Rollups.Retention;
using Metrics.Storage.Locks;
using Metrics.Rollups.Tables;
using Metrics.Rollups.Compaction;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>What running a timer by hand answered: the run's return value (its summary) and what it logged.</summary>
internal sealed record TimerAnswer(HttpStatusCode StatusCode, JsonElement Body)
{
    public JsonElement Summary => Body.GetProperty("returnValue");
    public IReadOnlyList<string> LogLines => Body.GetProperty("logs").EnumerateArray().Select(line => line.GetString()!).ToList();
    public string? RunStatus => Summary.GetProperty("Status").GetString();
    public long Number(string name) => Summary.GetProperty(name).GetInt64();
    public string? Text(string name) => Summary.GetProperty(name).GetString();
    public override string ToString() => $"{(int)StatusCode} {Body}";
}
