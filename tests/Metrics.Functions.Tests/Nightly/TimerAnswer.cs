using System.Net;
using System.Text.Json;

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
