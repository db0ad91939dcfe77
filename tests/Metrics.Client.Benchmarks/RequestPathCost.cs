using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Metrics.Client.Benchmarks;

/// <summary>
/// What <c>UseRequestMetrics()</c> adds to a request while it runs: the same routed pipeline (routing, a route template,
/// an endpoint answering 200) with and without it, called in-process with a fresh <see cref="HttpContext"/> each time.
/// The client's sender is held at its first send (<see cref="MetricsAppStandIns.Held"/>), so its work on another
/// thread does not share the request's cores here (<see cref="SenderCost"/> measures it on its own) and every record
/// finds the buffer full and also drops the oldest: the request path at its most expensive.
/// </summary>
[MemoryDiagnoser]
public class RequestPathCost
{
    private static readonly ClaimsPrincipal SignedIn = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, "u-7Hq2"), new Claim("org_id", "org-acme")], authenticationType: "Bearer"));

    private WebApplication _plainApp = null!, _measuredApp = null!;
    private RequestDelegate _plain = null!, _measured = null!;

    [GlobalSetup]
    public void Start()
    {
        (_plainApp, _plain) = Pipeline(withMetrics: false);
        (_measuredApp, _measured) = Pipeline(withMetrics: true);
    }

    [GlobalCleanup]
    public async Task Stop()
    {
        await _plainApp.DisposeAsync();
        await _measuredApp.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "without the middleware")]
    public Task Without() => _plain(Request(signedIn: false));

    [Benchmark(Description = "with UseRequestMetrics()")]
    public Task With() => _measured(Request(signedIn: false));

    [Benchmark(Description = "with it, signed-in user and org")]
    public Task WithSignedInUser() => _measured(Request(signedIn: true));

    private DefaultHttpContext Request(bool signedIn)
    {
        var context = new DefaultHttpContext { RequestServices = _plainApp.Services };
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/orders/SKU-7Hq2x";
        if (signedIn) context.User = SignedIn;
        return context;
    }

    private static (WebApplication App, RequestDelegate Pipeline) Pipeline(bool withMetrics)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (withMetrics)
        {
            builder.Services.AddRequestMetrics(options =>
            {
                options.Endpoint = new Uri("http://metrics.invalid/");
                options.IngestionKey = "benchmark";
            });
            builder.Services.AddHttpClient(nameof(MetricsClient)).ConfigurePrimaryHttpMessageHandler(MetricsAppStandIns.Held);
        }
        var app = builder.Build();
        if (withMetrics) app.UseRequestMetrics();
        app.UseRouting();
        app.UseEndpoints(_ => { });
        app.MapGet("/orders/{id}", () => Results.Ok());
        return (app, ((IApplicationBuilder)app).Build());
    }
}
