using System.Text.Json;

namespace Metrics.Client.Tests;

/// <summary>
/// The caller's country comes only from the header a trusted front end sets, and only when the service names it: never from
/// an address, and by default not at all.
/// </summary>
public sealed class CountryHeaderTests
{
    /// <summary>Requests to /api/orders/{n}, with the headers a caller or front end may set; the expected country by order id.</summary>
    private static IEnumerable<HttpRequestMessage> Requests()
    {
        HttpRequestMessage Order(int id, params (string Name, string Value)[] headers)
        {
            var request = InstrumentedService.Get($"/api/orders/{id}");
            foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
            return request;
        }
        yield return Order(1, ("CF-IPCountry", "ES"));
        yield return Order(2, ("CF-IPCountry", "us"));
        yield return Order(3, ("CF-IPCountry", " DE "));
        yield return Order(4, ("CF-IPCountry", "XX1"));
        yield return Order(5, ("CF-IPCountry", "T1"));
        yield return Order(6, ("X-Forwarded-For", "81.2.69.160"), ("X-Client-Country", "FR"));
        yield return Order(7);
    }

    [Fact]
    public async Task With_a_header_configured_each_request_carries_the_country_it_names_in_capitals_and_no_other()
    {
        await using var metrics = await ScriptedMetricsApp.StartAsync();

        await InstrumentedService.ServeAsync(metrics, new Dictionary<string, string?> { ["RequestMetrics:CountryHeader"] = "CF-IPCountry" }, Requests());

        Assert.Equal(new Dictionary<string, string?> { ["1"] = "ES", ["2"] = "US", ["3"] = "DE", ["4"] = null, ["5"] = null, ["6"] = null, ["7"] = null },
            CountriesByOrder(metrics));
    }

    [Fact]
    public async Task Without_a_header_configured_no_request_carries_a_country()
    {
        await using var metrics = await ScriptedMetricsApp.StartAsync();

        await InstrumentedService.ServeAsync(metrics, new Dictionary<string, string?>(), Requests());

        Assert.Equal(7, metrics.Events.Count());
        Assert.All(metrics.Events, e => Assert.False(e.TryGetProperty("country", out _), e.GetRawText()));
    }

    /// <summary>Each recorded event's country (null when it has none) by order id: the events carry the route, not the id, so they
    /// are told apart by when they began, one request after another.</summary>
    private static Dictionary<string, string?> CountriesByOrder(ScriptedMetricsApp metrics) =>
        metrics.Events.OrderBy(e => e.GetProperty("timestamp").GetDateTimeOffset()).Select((e, i) => (Order: (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Country: e.TryGetProperty("country", out var country) && country.ValueKind == JsonValueKind.String ? country.GetString() : null))
            .ToDictionary(e => e.Order, e => e.Country);
}
