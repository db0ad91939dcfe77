using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Metrics.Browser.Tests;

/// <summary>
/// A customer's web site that includes the tracker: its own Kestrel on a free loopback port, so its
/// pages have an origin (<c>http://127.0.0.1:PORT</c>) of their own, other than the metrics app's.
/// </summary>
public sealed class TrackedSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TrackedSite(WebApplication app, string origin)
    {
        _app = app;
        Origin = origin;
    }

    /// <summary>Scheme, host and port, as the browser sends it in the Origin header.</summary>
    public string Origin { get; }

    /// <summary>The HTML served for every path under <c>/app/</c> (a single-page app).</summary>
    public string AppPage { get; set; } = "<!doctype html><title>not set</title>";

    public static async Task<TrackedSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        TrackedSite? site = null;
        app.MapGet("/app/{**path}", () => Results.Content(site!.AppPage, "text/html; charset=utf-8"));
        app.MapGet("/thanks", () => Results.Content("<!doctype html><title>Thanks</title><p>Thanks!</p>", "text/html; charset=utf-8"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site = new TrackedSite(app, new Uri(address).GetLeftPart(UriPartial.Authority));
        return site;
    }

    /// <summary>A page with a tracked button, a link that navigates in-app, and a tracked form that leaves the page.</summary>
    public static string PricingPage(Uri metricsApp, string site, bool explicitApi = false)
    {
        var script = new Uri(metricsApp, "/api/tracker.js");
        var api = explicitApi ? $" data-api=\"{WebUtility.HtmlEncode(new Uri(metricsApp, "/api").ToString())}\"" : "";
        return $$"""
            <!doctype html>
            <html>
            <head>
              <meta charset="utf-8">
              <title>Pricing</title>
              <script defer src="{{WebUtility.HtmlEncode(script.ToString())}}" data-site="{{site}}"{{api}}></script>
              <style>body { font: 16px sans-serif; margin: 2em; } button, input { font: inherit; margin: .3em 0; }</style>
            </head>
            <body>
              <h1>Pricing</h1>
              <p><button id="upgrade-button" data-metrics-click="upgrade">Upgrade to Pro</button></p>
              <p><button id="settings-link" onclick="history.pushState({}, '', '/app/settings?tab=billing')">Settings</button></p>
              <form id="newsletter-form" data-metrics-form="newsletter" action="/thanks" method="get">
                <input name="email" placeholder="you@example.com"> <button id="subscribe" type="submit">Subscribe</button>
              </form>
            </body>
            </html>
            """;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
