using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Metrics.Functions.Hosting;

namespace Metrics.Functions.Operations;

/// <summary>The dashboard page's bytes and the policy that lets only its own inline style and the app's own scripts run.</summary>
internal sealed partial record DashboardPage(StaticContent File, string ContentSecurityPolicy)
{
    public static DashboardPage? Load(string path)
    {
        if (StaticContent.Load(path) is not { } file) return null;
        var html = Encoding.UTF8.GetString(file.Content);
        var policy = "default-src 'none'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; " +
            $"script-src 'self'{Hashes(ScriptBlock(), html)}; style-src 'self'{Hashes(StyleBlock(), html)}";
        return new DashboardPage(file, policy);
    }

    /// <summary>
    /// CSP source expressions for the inline blocks' text, hashed as the browser hashes it (UTF-8, exactly as written),
    /// each after a space. Besides them only the app's own files run ('self': the page's script and the charting library).
    /// </summary>
    private static string Hashes(Regex block, string html) => string.Concat(block.Matches(html)
        .Select(m => $" 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value)))}'"));

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptBlock();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlock();
}
