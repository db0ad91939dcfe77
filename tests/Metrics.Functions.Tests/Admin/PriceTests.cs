using System.Net;
using System.Text.Json;
using Metrics.Functions.Tests.Ingest;
using Metrics.Functions.Tests.Security;
using Metrics.Storage.Admin;
using Metrics.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Functions.Tests.Admin;

[Collection(AzuriteCollection.Name)]
public sealed class PriceTests(SharedAzurite azurite) : IAsyncLifetime
{
    private const string Route = "/api/admin/prices";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Prices_round_trip_exactly_and_give_exact_spend()
    {
        var response = await _app.Client.PutAsAsync(Route,
            Callers.Text("""{"gpt-small": 0.002, "gpt-large": 0.03, "embed": 0.000000000001, "free": 0}""", "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"prices":[{"model":"embed","unitPrice":0.000000000001,"effectiveFrom":null},{"model":"free","unitPrice":0,"effectiveFrom":null},{"model":"gpt-large","unitPrice":0.03,"effectiveFrom":null},{"model":"gpt-small","unitPrice":0.002,"effectiveFrom":null}]}""",
            await response.Content.ReadAsStringAsync());
        Assert.Equal(await response.Content.ReadAsStringAsync(), await (await _app.Client.GetAsAsync(Route)).Content.ReadAsStringAsync());
        var stored = (await _app.Storage.AllAsync(AdminTables.Prices)).ToDictionary(r => r.RowKey, r => r.GetString("UnitPrice"));
        Assert.Equal("0.002", stored["gpt-small"]);
        Assert.All((await _app.Storage.AllAsync(AdminTables.Prices)), row => Assert.Equal("price", row.PartitionKey));

        var prices = await _app.Services.GetRequiredService<PriceStore>().GetAsync();
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(0.002m, prices.PriceAt("gpt-small", now)?.UnitPrice);
        Assert.Equal(2469.134m, prices.Spend("gpt-small", 1_234_567, now));
        Assert.Equal(0.3m, prices.Spend("gpt-large", 10, now));
        Assert.Null(prices.PriceAt("unpriced-model", now));
        Assert.Equal(0m, prices.Spend(null, 1000, now));
    }

    [Fact]
    public async Task A_put_sets_the_prices_it_names_and_keeps_every_other_one_and_the_cache_follows()
    {
        await _app.Client.PutAsAsync(Route, Callers.Text("""{"gpt-small": 0.002, "gpt-large": 0.03}""", "application/json"));
        // Read once, so the app's cached price list holds gpt-large when it is replaced.
        Assert.Contains("gpt-large", await (await _app.Client.GetAsAsync(Route)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var response = await _app.Client.PutAsAsync(Route,
            Callers.Text("""[{"model": "gpt-small", "unitPrice": "0.0025"}, {"model": " gpt-xl ", "unitPrice": 1.5}]""", "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var listed = (await (await _app.Client.GetAsAsync(Route)).ReadJsonAsync()).GetProperty("prices").EnumerateArray()
            .Select(p => (p.GetProperty("model").GetString(), p.GetProperty("unitPrice").GetDecimal())).ToList();
        Assert.Equal([("gpt-large", 0.03m), ("gpt-small", 0.0025m), ("gpt-xl", 1.5m)], listed);
        Assert.Equal(3, (await _app.Storage.AllAsync(AdminTables.Prices)).Count);
    }

    [Fact]
    public async Task Prices_as_get_answers_them_can_be_put_back()
    {
        await _app.Client.PutAsAsync(Route, Callers.Text("""{"gpt-small": 0.002}""", "application/json"));
        var listed = await (await _app.Client.GetAsAsync(Route)).Content.ReadAsStringAsync();

        var response = await _app.Client.PutAsAsync(Route, Callers.Text(listed, "application/json"));

        Assert.Equal(listed, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bad_prices_and_model_names_are_listed_in_a_400_and_nothing_changes()
    {
        await _app.Client.PutAsAsync(Route, Callers.Text("""{"gpt-small": 0.002}""", "application/json"));
        var body = """
            [{"model": "ok", "unitPrice": 1},
             {"model": "negative", "unitPrice": -0.5},
             {"model": "words", "unitPrice": "cheap"},
             {"model": "nothing", "unitPrice": null},
             {"model": "a/b", "unitPrice": 1},
             {"unitPrice": 1},
             {"model": "precise", "unitPrice": 0.0000000000001},
             {"model": "ok", "unitPrice": 2},
             {"model": "mid-day", "unitPrice": 1, "effectiveFrom": "2026-11-15T10:00:00Z"},
             {"model": "a|b", "unitPrice": 1},
             {"model": "ok", "unitPrice": 3, "effectiveFrom": "2026-11-15"}]
            """;

        var response = await _app.Client.PutAsAsync(Route, Callers.Text(body, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("urn:metrics-functions:problem:invalid-prices", problem.GetProperty("type").GetString());
        Assert.Equal(["item 1", "item 2", "item 3", "item 4", "item 5", "item 6", "item 7", "item 8", "item 9"],
            problem.GetProperty("rejected").EnumerateArray().Select(e => e.GetProperty("at").GetString()));
        Assert.Equal(0.002m, (await (await _app.Client.GetAsAsync(Route)).ReadJsonAsync()).GetProperty("prices")[0].GetProperty("unitPrice").GetDecimal());
    }

    [Theory]
    [InlineData("""{"gpt-small": -1}""")]
    [InlineData("""{"gpt-small": "abc"}""")]
    [InlineData("""{"gpt-small": 1e400}""")]
    [InlineData("\"gpt-small\"")]
    [InlineData("{not json")]
    [InlineData("[]")]
    public async Task Unusable_price_list_is_a_400_problem(string body)
    {
        var response = await _app.Client.PutAsAsync(Route, Callers.Text(body, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
    }
}
