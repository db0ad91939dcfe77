using System.Text;
using Metrics.Functions.Hosting;
using NUglify;

namespace Metrics.Functions.Tracker;

/// <summary>
/// The tracker as sites receive it: its readable source (functions/tracker/metrics.js) minified once, on first use.
/// Every page of a customer's site downloads it, so its size is the product's (under 2 KB gzipped).
/// </summary>
internal static class MinifiedScript
{
    public static StaticContent? Load(string path)
    {
        if (!File.Exists(path)) return null;
        var minified = Uglify.Js(File.ReadAllText(path));
        // A script that does not minify cleanly would be served broken to every site: refuse to serve it instead.
        if (minified.HasErrors)
            throw new InvalidOperationException($"The tracker script {path} does not minify: {string.Join("; ", minified.Errors)}");
        return StaticContent.Of(Encoding.UTF8.GetBytes(minified.Code));
    }
}
