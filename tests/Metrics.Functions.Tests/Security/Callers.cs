using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Metrics.Functions.Tests.Security;

/// <summary>Requests as an admin tool, a finance tool, or App Service authentication would send them.</summary>
internal static class Callers
{
    public const string RoleClaim = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
    public const string NameClaim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";

    /// <summary>The <c>X-MS-CLIENT-PRINCIPAL</c> value App Service authentication would forward.</summary>
    public static string Principal(params (string Type, string Value)[] claims)
    {
        var json = new JsonObject
        {
            ["auth_typ"] = "aad",
            ["name_typ"] = NameClaim,
            ["role_typ"] = RoleClaim,
            ["claims"] = new JsonArray(claims.Select(c => (JsonNode)new JsonObject { ["typ"] = c.Type, ["val"] = c.Value }).ToArray()),
        };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? key = null, string? principal = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (principal is not null) request.Headers.Add("X-MS-CLIENT-PRINCIPAL", principal);
        return request;
    }

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, string? key = null,
        string? principal = null, HttpContent? content = null)
    {
        using var request = Request(method, path, key, principal, content);
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> GetAsAsync(this HttpClient client, string path, string? key = TestApp.AdminKey, string? principal = null) =>
        client.SendAsync(HttpMethod.Get, path, key, principal);

    public static Task<HttpResponseMessage> PutAsAsync(this HttpClient client, string path, HttpContent content, string? key = TestApp.AdminKey) =>
        client.SendAsync(HttpMethod.Put, path, key, content: content);

    public static StringContent Text(string body, string mediaType) => new(body, Encoding.UTF8, new MediaTypeHeaderValue(mediaType));
}
