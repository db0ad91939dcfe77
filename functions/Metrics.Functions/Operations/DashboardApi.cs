using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Metrics.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Operations;

/// <summary>
/// <c>GET /api/dashboard</c>: the admin dashboard page (functions/dashboard). The page holds no data and needs no
/// role; everything it shows it fetches from the query API with the caller's admin key or platform sign-in. Its
/// one inline script and style are allowed by hash in a Content-Security-Policy, so nothing else can run on it.
/// </summary>
public static partial class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        var page = new Lazy<DashboardPage?>(() => DashboardPage.Load(Path.Combine(AppContext.BaseDirectory, "dashboard", "index.html")));
        app.MapGet("/api/dashboard", Results<FileContentHttpResult, NotFound> (HttpResponse response) =>
            {
                if (page.Value is not { } loaded) return TypedResults.NotFound();
                response.Headers.ContentSecurityPolicy = loaded.ContentSecurityPolicy;
                response.Headers.XContentTypeOptions = "nosniff";
                // Revalidated each time (cheap, by ETag), so a deployment's page is seen at once.
                response.Headers.CacheControl = "no-cache";
                return TypedResults.Bytes(loaded.File.Content, "text/html; charset=utf-8", entityTag: loaded.File.ETag);
            })
            .WithTags("Operations").WithName("Dashboard").WithSummary("The admin dashboard page");
        return app;
    }

    /// <summary>The page's bytes and the policy that lets exactly its own inline script and style run.</summary>
    private sealed record DashboardPage(StaticContent File, string ContentSecurityPolicy)
    {
        public static DashboardPage? Load(string path)
        {
            if (StaticContent.Load(path) is not { } file) return null;
            var html = Encoding.UTF8.GetString(file.Content);
            var policy = "default-src 'none'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; " +
                $"script-src {Hashes(ScriptBlock(), html)}; style-src {Hashes(StyleBlock(), html)}";
            return new DashboardPage(file, policy);
        }

        /// <summary>CSP source expressions for the blocks' text, hashed as the browser hashes it (UTF-8, exactly as written).</summary>
        private static string Hashes(Regex block, string html) => string.Join(' ', block.Matches(html)
            .Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value)))}'")
            .DefaultIfEmpty("'none'"));
    }

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptBlock();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlock();
}
