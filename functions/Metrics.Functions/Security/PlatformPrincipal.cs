using System.Text;
using System.Text.Json;

namespace Metrics.Functions.Security;

/// <summary>
/// The identity App Service authentication puts in <c>X-MS-CLIENT-PRINCIPAL</c>: base64 of
/// <c>{"auth_typ":"aad","name_typ":…,"role_typ":…,"claims":[{"typ":…,"val":…}]}</c>. Only trusted when
/// the app runs behind that authentication, which strips the header from what clients send.
/// </summary>
/// <param name="Claims">Every claim, as (type, value).</param>
public sealed record PlatformPrincipal(string? Name, IReadOnlyList<string> RolesAndGroups, IReadOnlyList<(string Type, string Value)> Claims)
{
    public const string Header = "X-MS-CLIENT-PRINCIPAL";
    public const string NameHeader = "X-MS-CLIENT-PRINCIPAL-NAME";

    private static readonly string[] RoleClaimTypes = ["roles", "role", "groups", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"];

    /// <summary>The principal of the request, or null when there is none or it cannot be read (no identity, not an error).</summary>
    public static PlatformPrincipal? From(HttpRequest request)
    {
        var encoded = request.Headers[Header].ToString();
        if (encoded.Length == 0) return null;
        try
        {
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(encoded)));
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var nameType = Text(root, "name_typ") ?? "name";
            var roleType = Text(root, "role_typ");
            string? name = null;
            var roles = new List<string>();
            var all = new List<(string, string)>();
            if (root.TryGetProperty("claims", out var claims))
            {
                if (claims.ValueKind != JsonValueKind.Array) return null;
                foreach (var claim in claims.EnumerateArray())
                {
                    if (claim.ValueKind != JsonValueKind.Object || Text(claim, "typ") is not { } type || Text(claim, "val") is not { } value) continue;
                    all.Add((type, value));
                    if (type.Equals(nameType, StringComparison.OrdinalIgnoreCase)) name ??= value;
                    if (RoleClaimTypes.Contains(type, StringComparer.OrdinalIgnoreCase) || type.Equals(roleType, StringComparison.OrdinalIgnoreCase))
                        roles.Add(value);
                }
            }
            name ??= request.Headers[NameHeader].ToString() is { Length: > 0 } headerName ? headerName : null;
            return new PlatformPrincipal(name, roles, all);
        }
        catch (Exception e) when (e is FormatException or JsonException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
