using System.Text.Json;

namespace Metrics.LocalHost.Settings;

/// <summary>The part of the app's <c>host.json</c> this host honours: the HTTP route prefix (default <c>api</c>).</summary>
internal static class HostJson
{
    public static string RoutePrefix(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "host.json");
        if (!File.Exists(path)) return "api";
        using var json = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return json.RootElement.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix) && prefix.GetString() is { } value
            ? value.Trim('/')
            : "api";
    }
}
