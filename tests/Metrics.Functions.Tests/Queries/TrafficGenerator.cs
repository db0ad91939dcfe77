using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Ingest;

namespace Metrics.Functions.Tests.Queries;

/// <summary>
/// Seeded, realistic traffic: heavy-tailed latencies (log-normal body, Pareto tail, 0.5 ms to 60 s), about 5% 4xx and
/// 2% 5xx, several services, endpoints and methods, skewed user popularity, orgs, countries, models, sync and async
/// work, units and fractional CPU/GPU times; and browser beacons of every type, signed in and anonymous. Fields are
/// sometimes absent (no user, org, country or model), as in real traffic. The events are kept as sent so that tests
/// can compute every expected number exactly.
/// </summary>
internal sealed class TrafficGenerator
{
    public const string Orders = "orders-api";
    public const string Search = "search-api";
    public const string Billing = "billing-api";
    public const string Inference = "inference-api";
    public static readonly IReadOnlyList<string> AllServices = [Orders, Search, Billing, Inference];

    /// <summary>Ids a spreadsheet would run as formulas: the CSV export must escape them.</summary>
    public static readonly IReadOnlyList<string> FormulaUserIds = ["=1+2", "-2+3", "+SUM(A1:A9)", "@cmd"];

    /// <summary>Ids with CSV separators and quotes, characters table keys refuse, and non-ASCII text: valid user ids all the same.</summary>
    public static readonly IReadOnlyList<string> AwkwardUserIds = ["doe, \"jr\"", "team/alice#1", "ünïcødé 用户"];

    public static readonly IReadOnlyDictionary<string, decimal> Prices = new Dictionary<string, decimal>
    {
        ["gpt-small"] = 0.002m,
        ["gpt-large"] = 0.03m,
        ["embed-v2"] = 0.0001m,
        // "unpriced-model" has no price on purpose: its spend is zero.
    };

    private static readonly string[] Orgs = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell", "soylent"];
    private static readonly string[] Countries = ["ES", "US", "DE", "FR", "JP", "BR", "IN", "GB", "us", "de"];
    private static readonly int[] ClientErrors = [400, 401, 403, 404, 404, 404, 409, 422, 429];
    private static readonly int[] ServerErrors = [500, 500, 500, 502, 503, 504];
    /// <summary>The country header on beacons, by event number (no draw, so the rest of the traffic is as it was): some lower-case, some absent.</summary>
    private static readonly string?[] UsageCountries = ["ES", "US", "de", null, "ES", "JP", "us", "FR", "ES"];
    private static readonly string[] Pages = ["/", "/pricing", "/docs", "/docs/getting-started", "/dashboard", "/settings/billing", "/blog/launch", "/signup"];

    private sealed record Route(string Method, string Endpoint, Func<Random, string> Path, double MedianMs);

    private static readonly Dictionary<string, Route[]> Routes = new()
    {
        [Orders] =
        [
            new("GET", "/api/orders/{id}", r => r.Next(3) == 0 ? $"https://shop.example.com/api/orders/{r.Next(1, 99_999)}?expand=lines" : $"/api/orders/{r.Next(1, 99_999)}", 22),
            new("DELETE", "/api/orders/{id}", r => $"/api/orders/{r.Next(1, 99_999)}", 31),
            new("GET", "/api/orders", _ => "/api/orders", 48),
            new("POST", "/api/orders", _ => "/api/orders", 65),
        ],
        [Search] =
        [
            new("GET", "/api/search", r => r.Next(2) == 0 ? "/api/search?q=shoes" : "/api/search", 85),
            new("GET", "/api/suggest", _ => "/api/suggest", 9),
        ],
        [Billing] =
        [
            new("GET", "/api/invoices/{id}", r => $"/api/invoices/{r.Next():x8}{r.Next():x8}", 37),
            new("POST", "/api/payments", _ => "/api/payments", 160),
        ],
        [Inference] =
        [
            new("POST", "/v1/completions", _ => "/v1/completions", 900),
            new("POST", "/v1/embeddings", _ => "/v1/embeddings", 44),
        ],
    };

    /// <summary>Routes of any other service a test names.</summary>
    private static readonly Route[] OtherRoutes =
    [
        new("GET", "/api/items/{id}", r => $"/api/items/{r.Next(1, 9_999)}", 30),
        new("POST", "/api/items", _ => "/api/items", 55),
    ];

    private readonly TrafficOptions _options;
    private readonly Random _random;
    private readonly HashSet<DateTimeOffset> _quiet;
    private int _nextRequest;
    private int _nextUsage;
    private int _nextUser;

    public TrafficGenerator(TrafficOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        _quiet = options.QuietHours.ToHashSet();
    }

    public static string AnonymousUserAgent(int visitor) => $"{TestApp.BrowserUserAgent} Visitor/{visitor}";

    /// <summary>The user ids traffic is drawn from: plain ids, after a few that look like spreadsheet formulas or are otherwise awkward.</summary>
    public static string UserId(int index) =>
        index < FormulaUserIds.Count ? FormulaUserIds[index]
        : index < FormulaUserIds.Count + AwkwardUserIds.Count ? AwkwardUserIds[index - FormulaUserIds.Count]
        : $"u-{index:0000}";

    public static Traffic Generate(TrafficOptions options)
    {
        var generator = new TrafficGenerator(options);
        var requests = Enumerable.Range(0, options.Requests).Select(_ => generator.Request(generator.Timestamp())).ToList();
        var usage = Enumerable.Range(0, options.UsageEvents).Select(_ => generator.Usage(generator.Timestamp())).ToList();
        return new Traffic(requests, usage);
    }

    /// <summary>A request at <paramref name="at"/>; <paramref name="status"/> and <paramref name="service"/> fixed if given.</summary>
    public SentRequest Request(DateTimeOffset at, int? status = null, string? service = null)
    {
        service ??= _options.Services[_random.Next(_options.Services.Count)];
        var routes = Routes.GetValueOrDefault(service, OtherRoutes);
        var route = routes[(int)(routes.Length * _random.NextDouble() * _random.NextDouble())];
        var user = _random.NextDouble() < _options.NoUserShare ? (int?)null : NextUser();
        var model = ModelFor(service);
        var durationMs = Latency(route.MedianMs * (model == "gpt-large" ? 2.5 : 1));
        var units = model is not null ? (long)Math.Round(Math.Exp(Math.Log(800) + _random.NextGaussian())) : _random.Next(20) == 0 ? _random.Next(1, 50) : 0;
        return new SentRequest(
            Service: service,
            Id: $"r{_options.Seed}-{_nextRequest++}",
            Timestamp: at,
            Path: route.Path(_random),
            Endpoint: route.Endpoint,
            Method: route.Method,
            Status: status ?? Status(route.Method),
            DurationMs: durationMs,
            UserId: user is { } u ? UserId(u) : null,
            OrgId: user is { } o && _random.Next(7) != 0 ? Orgs[o % Orgs.Length] : null,
            Country: _random.Next(10) == 0 ? null : Countries[(int)(Countries.Length * _random.NextDouble() * _random.NextDouble())],
            Invocation: _random.Next(10) switch { < 6 => "sync", < 8 => "async", _ => null },
            Model: model,
            Units: units,
            CpuMs: _random.Next(10) == 0 ? 0 : Math.Round(durationMs * (0.05 + (0.75 * _random.NextDouble())), 3),
            GpuMs: model is null ? 0 : Math.Round(durationMs * (0.1 + (0.5 * _random.NextDouble())), 3));
    }

    public SentUsage Usage(DateTimeOffset at)
    {
        var signedIn = _random.NextDouble() < _options.SignedInUsageShare;
        var type = _random.Next(100) switch
        {
            < 55 => "page_view",
            < 75 => "button_click",
            < 83 => "form_submit",
            < 95 => "feature_use",
            _ => "custom",
        };
        var page = Pages[(int)(Pages.Length * _random.NextDouble() * _random.NextDouble())];
        var sentPage = type == "page_view" || _random.Next(2) == 0
            ? _random.Next(6) switch { 0 => page + "?utm_source=newsletter", 1 => page + "#top", _ => page }
            : null;
        var name = type switch
        {
            "button_click" => _random.Next(2) == 0 ? "signup" : "buy",
            "feature_use" => _random.Next(2) == 0 ? "export-csv" : "share-link",
            "custom" => "video-played",
            "form_submit" => "contact",
            _ => null,
        };
        var country = UsageCountries[_nextUsage % UsageCountries.Length];
        return new SentUsage(
            Id: $"b{_options.Seed}-{_nextUsage++}",
            Type: type,
            Timestamp: at,
            SentPage: sentPage,
            Name: name,
            ElementId: type == "button_click" ? $"btn-{name}" : null,
            UserId: signedIn ? UserId(NextUser()) : null,
            AnonymousVisitor: signedIn ? -1 : _options.FirstAnonymousVisitor + _random.Next(_options.AnonymousVisitors),
            SessionId: $"s-{_random.Next(5_000)}",
            SentCountry: country);
    }

    /// <summary>A millisecond-precise time in [End - Span, End), outside the quiet hours.</summary>
    public DateTimeOffset Timestamp()
    {
        while (true)
        {
            var offset = (long)(_random.NextDouble() * _options.Span.TotalMilliseconds);
            var at = _options.End.AddMilliseconds(-1 - offset);
            at = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
            if (!_quiet.Contains(HourOf(at))) return at;
        }
    }

    public static DateTimeOffset HourOf(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    private int NextUser() => _options.EveryUser
        ? _nextUser++ % _options.Users
        // Popularity is skewed: a few users make most of the requests, many make one or two.
        : (int)(_options.Users * Math.Pow(_random.NextDouble(), 2.5));

    private string? ModelFor(string service)
    {
        var draw = _random.Next(100);
        if (service == Inference) return draw switch { < 50 => "gpt-small", < 75 => "gpt-large", < 92 => "embed-v2", < 96 => "unpriced-model", _ => null };
        return draw switch { < 8 => "gpt-small", < 10 => "unpriced-model", _ => null };
    }

    private int Status(string method)
    {
        var draw = _random.NextDouble();
        if (draw < _options.ClientErrorShare) return ClientErrors[_random.Next(ClientErrors.Length)];
        if (draw < _options.ClientErrorShare + _options.ServerErrorShare) return ServerErrors[_random.Next(ServerErrors.Length)];
        return method switch { "POST" => 201, "DELETE" => 204, _ => 200 };
    }

    /// <summary>Log-normal around the route's median, with a Pareto tail (alpha 1.2) of timeouts and retries; 0.5 ms to 60 s.</summary>
    private double Latency(double medianMs)
    {
        var value = _random.NextDouble() < _options.TailShare
            ? medianMs * 5 / Math.Pow(1 - _random.NextDouble(), 1 / 1.2)
            : Math.Exp(Math.Log(medianMs) + (_options.LatencySigma * _random.NextGaussian()));
        // Four decimals: sub-microsecond digits exercise the rounding to whole microseconds.
        return Math.Round(Math.Clamp(value, 0.5, 60_000), 4);
    }
}
