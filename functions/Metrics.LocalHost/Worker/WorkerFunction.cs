using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Metrics.LocalHost.Worker;

/// <summary>
/// A function the worker reported in its metadata: its name, the id the host invokes it by, its trigger's binding
/// name (the input the invocation carries) and the trigger itself.
/// </summary>
public sealed record WorkerFunction(string Name, string Id, string TriggerBinding, HttpTrigger? Http, TimerTrigger? Timer)
{
    internal RpcFunctionMetadata Metadata { get; init; } = new();

    internal static WorkerFunction From(RpcFunctionMetadata metadata)
    {
        string? triggerBinding = null;
        HttpTrigger? http = null;
        TimerTrigger? timer = null;
        foreach (var raw in metadata.RawBindings)
        {
            using var binding = JsonDocument.Parse(raw);
            var root = binding.RootElement;
            var type = Text(root, "type") ?? "";
            if (!type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase)) continue;
            triggerBinding = Text(root, "name");
            if (type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase))
            {
                var methods = root.TryGetProperty("methods", out var list) && list.ValueKind == JsonValueKind.Array
                    ? list.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToList()
                    : ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
                http = new HttpTrigger(Text(root, "route") ?? metadata.Name, methods);
            }
            else if (type.Equals("timerTrigger", StringComparison.OrdinalIgnoreCase))
                timer = new TimerTrigger(Text(root, "schedule") ?? throw new InvalidOperationException($"{metadata.Name}: a timer trigger without a schedule"));
        }
        var id = metadata.FunctionId is { Length: > 0 } given ? given : Guid.NewGuid().ToString();
        return new WorkerFunction(metadata.Name, id, triggerBinding ?? throw new InvalidOperationException($"{metadata.Name} has no trigger"), http, timer)
        {
            Metadata = metadata,
        };
    }

    private static string? Text(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                return property.Value.GetString();
        return null;
    }
}
