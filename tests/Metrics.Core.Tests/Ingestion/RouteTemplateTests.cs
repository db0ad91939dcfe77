using Metrics.Core.Ingestion;
using static Metrics.Core.Tests.Ingestion.Events;

namespace Metrics.Core.Tests.Ingestion;

/// <summary>A service that knows its route template sends it as <c>route</c>; only a raw path is guessed at.</summary>
public sealed class RouteTemplateTests
{
    [Fact]
    public void A_sent_route_is_the_endpoint_as_it_is()
    {
        var e = ReadRequest(Request().With("endpoint", "/products/user42/reviews").With("route", "/products/{productId}/reviews"));

        Assert.Equal("/products/{productId}/reviews", e.Endpoint);
    }

    [Fact]
    public void Without_a_route_the_raw_path_is_normalised()
    {
        Assert.Equal("/products/{id}/reviews", ReadRequest(Request().With("endpoint", "/products/SKU-1234/reviews")).Endpoint);
    }

    [Theory]
    [InlineData("products/{id}")]
    [InlineData("/products/{id}?page=2")]
    public void A_route_that_is_no_path_template_rejects_the_event(string route) =>
        Assert.Equal("route must be a path template such as /orders/{id}, without a query", RejectRequest(Request().With("route", route)));

    [Fact]
    public void A_route_is_part_of_the_id_derived_for_an_event_without_one()
    {
        var withoutRoute = ReadRequest(Request().Without("id"));
        var withRoute = ReadRequest(Request().Without("id").With("route", "/api/orders/{id}"));

        Assert.NotEqual(withoutRoute.Id, withRoute.Id);
        Assert.Equal(withRoute.Id, ReadRequest(Request().Without("id").With("route", "/api/orders/{id}")).Id);
    }
}
