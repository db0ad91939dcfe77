using Metrics.Core.Ingestion;
using static Metrics.Core.Tests.Ingestion.Events;

namespace Metrics.Core.Tests.Ingestion;

public sealed class RequestEventReaderTests
{
    [Fact]
    public void Event_of_the_api_example_is_accepted_with_every_field()
    {
        var e = ReadRequest(Request()
            .With("id", "0f8c-42")
            .With("timestamp", "2026-11-22T10:15:00.123Z")
            .With("userId", "u-42")
            .With("orgId", "acme")
            .With("country", "ES")
            .With("invocation", "sync")
            .With("model", "gpt-small")
            .With("units", 1532)
            .With("cpuMs", 3.2)
            .With("gpuMs", 0));

        var expected = new RequestEvent("0f8c-42", Service, new DateTimeOffset(2026, 11, 22, 10, 15, 0, 123, TimeSpan.Zero),
            "/api/orders/{id}", "GET", 200, 12.7, "u-42", "acme", "ES", Invocation.Sync, "gpt-small", 1532, 3.2, 0);
        Assert.Equal(expected, e);
        Assert.False(e.IsError);
    }

    [Theory]
    [InlineData("timestamp")]
    [InlineData("endpoint")]
    [InlineData("method")]
    [InlineData("status")]
    [InlineData("durationMs")]
    public void Missing_required_field_is_rejected_by_name(string field)
    {
        Assert.Equal($"{field} is required", RejectRequest(Request().Without(field)));
        Assert.Equal($"{field} is required", RejectRequest(Request().WithJson(field, "null")));
    }

    [Theory]
    [InlineData("timestamp")]
    [InlineData("endpoint")]
    [InlineData("method")]
    public void Blank_required_text_is_rejected_as_missing(string field) =>
        Assert.Equal($"{field} is required", RejectRequest(Request().With(field, "   ")));

    [Theory]
    [InlineData("timestamp", "1732270500", "timestamp must be a string")]
    [InlineData("endpoint", "42", "endpoint must be a string")]
    [InlineData("method", "true", "method must be a string")]
    [InlineData("status", "\"200\"", "status must be a whole number")]
    [InlineData("status", "200.5", "status must be a whole number")]
    [InlineData("durationMs", "\"12.7\"", "durationMs must be a number")]
    [InlineData("durationMs", "[12.7]", "durationMs must be a number")]
    [InlineData("id", "7", "id must be a string")]
    [InlineData("userId", "42", "userId must be a string")]
    [InlineData("orgId", "{}", "orgId must be a string")]
    [InlineData("country", "34", "country must be a string")]
    [InlineData("invocation", "false", "invocation must be a string")]
    [InlineData("model", "[]", "model must be a string")]
    [InlineData("units", "\"1532\"", "units must be a whole number")]
    [InlineData("units", "1.5", "units must be a whole number")]
    [InlineData("cpuMs", "\"3.2\"", "cpuMs must be a number")]
    [InlineData("gpuMs", "true", "gpuMs must be a number")]
    public void Field_of_the_wrong_json_type_is_rejected_with_the_type_it_must_be(string field, string rawJson, string reason) =>
        Assert.Equal(reason, RejectRequest(Request().WithJson(field, rawJson)));

    [Theory]
    [InlineData(99)]
    [InlineData(600)]
    [InlineData(0)]
    [InlineData(-200)]
    [InlineData(20000)]
    public void Status_outside_100_to_599_is_rejected_with_a_reason(int status) =>
        Assert.Equal("status must be between 100 and 599", RejectRequest(Request().With("status", status)));

    [Theory]
    [InlineData(100, false)]
    [InlineData(399, false)]
    [InlineData(400, true)]
    [InlineData(599, true)]
    public void Status_from_100_to_599_is_accepted_and_400_up_is_an_error(int status, bool isError)
    {
        var e = ReadRequest(Request().With("status", status));

        Assert.Equal(status, e.Status);
        Assert.Equal(isError, e.IsError);
    }

    [Theory]
    [InlineData(-0.001)]
    [InlineData(-12)]
    [InlineData(3_600_000.001)]
    [InlineData(3_600_000_000)]
    public void Negative_or_longer_than_an_hour_duration_is_rejected(double durationMs) =>
        Assert.Equal("durationMs must be between 0 and 3600000", RejectRequest(Request().With("durationMs", durationMs)));

    [Theory]
    [InlineData(0)]
    [InlineData(0.001)]
    [InlineData(3_600_000)]
    public void Duration_from_zero_to_exactly_an_hour_is_accepted(double durationMs) =>
        Assert.Equal(durationMs, ReadRequest(Request().With("durationMs", durationMs)).DurationMs);

    [Theory]
    [InlineData("cpuMs")]
    [InlineData("gpuMs")]
    public void Negative_or_absurd_compute_time_is_rejected(string field)
    {
        Assert.Equal($"{field} must be between 0 and 3600000", RejectRequest(Request().With(field, -1)));
        Assert.Equal($"{field} must be between 0 and 3600000", RejectRequest(Request().With(field, 3_600_001)));
    }

    [Fact]
    public void Negative_units_are_rejected() =>
        Assert.Equal($"units must be between 0 and {long.MaxValue / 1024}", RejectRequest(Request().With("units", -1)));

    [Theory]
    [InlineData("FETCH")]
    [InlineData("got")]
    [InlineData("GET POST")]
    [InlineData("*")]
    public void Method_that_is_not_an_http_method_is_rejected(string method) =>
        Assert.Equal($"method '{method.ToUpperInvariant()}' is not an HTTP method", RejectRequest(Request().With("method", method)));

    [Fact]
    public void Method_longer_than_16_characters_is_rejected() =>
        Assert.Equal("method is longer than 16 characters", RejectRequest(Request().With("method", new string('G', 17))));

    [Theory]
    [InlineData("get", "GET")]
    [InlineData("Post", "POST")]
    [InlineData(" delete ", "DELETE")]
    [InlineData("PATCH", "PATCH")]
    [InlineData("options", "OPTIONS")]
    [InlineData("head", "HEAD")]
    public void Method_is_accepted_in_any_case_and_stored_upper_case(string method, string stored) =>
        Assert.Equal(stored, ReadRequest(Request().With("method", method)).Method);

    [Theory]
    [InlineData("E")]
    [InlineData("E1")]
    [InlineData("1A")]
    [InlineData("é1")]
    [InlineData("ñe")]
    [InlineData("E-")]
    public void Country_that_is_not_two_letters_is_rejected(string country) =>
        Assert.Equal("country must be a two-letter ISO 3166 code", RejectRequest(Request().With("country", country)));

    [Fact]
    public void Country_longer_than_two_characters_is_rejected() =>
        Assert.Equal("country is longer than 2 characters", RejectRequest(Request().With("country", "ESP")));

    [Theory]
    [InlineData("es", "ES")]
    [InlineData("Us", "US")]
    [InlineData("DE", "DE")]
    public void Country_is_stored_upper_case(string country, string stored) =>
        Assert.Equal(stored, ReadRequest(Request().With("country", country)).Country);

    [Theory]
    [InlineData("batch")]
    [InlineData("queued")]
    [InlineData("a")]
    public void Invocation_other_than_sync_or_async_is_rejected(string invocation) =>
        Assert.Equal("invocation must be 'sync' or 'async'", RejectRequest(Request().With("invocation", invocation)));

    [Fact]
    public void Invocation_longer_than_8_characters_is_rejected() =>
        Assert.Equal("invocation is longer than 8 characters", RejectRequest(Request().With("invocation", "asynchronous")));

    [Theory]
    [InlineData("sync", Invocation.Sync)]
    [InlineData("async", Invocation.Async)]
    [InlineData("ASYNC", Invocation.Async)]
    [InlineData("Sync", Invocation.Sync)]
    public void Invocation_is_read_in_any_case(string invocation, Invocation expected) =>
        Assert.Equal(expected, ReadRequest(Request().With("invocation", invocation)).Invocation);

    [Fact]
    public void Optional_fields_default_to_sync_zero_units_and_nothing_else()
    {
        var e = ReadRequest(Request());

        Assert.Equal(Invocation.Sync, e.Invocation);
        Assert.Equal(0, e.Units);
        Assert.Equal(0, e.CpuMs);
        Assert.Equal(0, e.GpuMs);
        Assert.Null(e.UserId);
        Assert.Null(e.OrgId);
        Assert.Null(e.Country);
        Assert.Null(e.Model);
        Assert.Equal(Service, e.Service);
    }

    [Fact]
    public void Optional_fields_sent_as_null_or_blank_count_as_absent()
    {
        var e = ReadRequest(Request()
            .WithJson("userId", "null").With("orgId", "").With("country", " ").WithJson("invocation", "null")
            .WithJson("units", "null").WithJson("cpuMs", "null").With("model", "  "));

        Assert.Equal(ReadRequest(Request()), e);
    }

    [Theory]
    [InlineData("userId")]
    [InlineData("orgId")]
    [InlineData("model")]
    public void Text_over_256_characters_is_rejected(string field)
    {
        Assert.Equal($"{field} is longer than 256 characters", RejectRequest(Request().With(field, new string('x', 257))));
        Assert.Equal(new string('x', 256), Field(ReadRequest(Request().With(field, new string('x', 256))), field));
    }

    [Fact]
    public void Endpoint_over_512_characters_is_rejected() =>
        Assert.Equal("endpoint is longer than 512 characters", RejectRequest(Request().With("endpoint", "/" + new string('a', 512))));

    [Fact]
    public void Endpoint_whose_template_grows_past_512_characters_is_rejected()
    {
        var shortIds = string.Concat(Enumerable.Repeat("/1", 256));
        var words = string.Concat(Enumerable.Repeat("/a", 256));

        Assert.Equal("endpoint is longer than 512 characters", RejectRequest(Request().With("endpoint", shortIds)));
        Assert.Equal(words, ReadRequest(Request().With("endpoint", words)).Endpoint);
    }

    [Theory]
    [InlineData("userId", "u-\u000142")]
    [InlineData("orgId", "ac\nme")]
    [InlineData("model", "gpt\tsmall")]
    [InlineData("endpoint", "/orders/\u0000/items")]
    [InlineData("method", "G\u007fET")]
    [InlineData("id", "evt\u001b1")]
    public void Text_with_control_characters_is_rejected(string field, string text) =>
        Assert.Equal($"{field} contains control characters", RejectRequest(Request().With(field, text)));

    [Theory]
    [InlineData("orders/42")]
    [InlineData("orders\\42")]
    [InlineData("evt#1")]
    [InlineData("evt?1")]
    public void Id_with_a_character_that_table_keys_forbid_is_rejected(string id) =>
        Assert.Equal("id may not contain / \\ # ? or control characters", RejectRequest(Request().With("id", id)));

    [Fact]
    public void Id_over_128_characters_is_rejected_and_128_is_accepted()
    {
        Assert.Equal("id is longer than 128 characters", RejectRequest(Request().With("id", new string('a', 129))));
        Assert.Equal(new string('a', 128), ReadRequest(Request().With("id", new string('a', 128))).Id);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"status\":200}]")]
    [InlineData("\"GET /orders 200\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public void Event_that_is_not_a_json_object_is_rejected(string json) =>
        Assert.Equal("event must be a JSON object",
            Rejected(new RequestEventReader(Service, Window).Read(Parse(json))));

    [Theory]
    [InlineData("https://api.example.com/orders/123?expand=items", "/orders/{id}")]
    [InlineData("/api/orders/42/", "/api/orders/{id}")]
    [InlineData("/api/users/jane@example.com/orders", "/api/users/{id}/orders")]
    public void Endpoint_is_stored_as_a_route_template(string endpoint, string template) =>
        Assert.Equal(template, ReadRequest(Request().With("endpoint", endpoint)).Endpoint);

    [Fact]
    public void Id_sent_by_the_service_is_kept()
    {
        Assert.Equal("0f8c-42", ReadRequest(Request().With("id", "0f8c-42")).Id);
        Assert.Equal("0f8c-42", ReadRequest(Request().With("id", "  0f8c-42 ")).Id);
    }

    [Fact]
    public void Derived_id_is_deterministic_for_equal_content()
    {
        var first = ReadRequest(Request());
        var again = ReadRequest(Request());

        Assert.Matches("^h-[0-9a-f]{32}$", first.Id);
        Assert.Equal(first.Id, again.Id);
        Assert.Null(EventIds.Check(first.Id));
    }

    [Fact]
    public void Derived_id_is_the_same_for_one_event_written_differently()
    {
        var plain = ReadRequest(Request());
        var rewritten = ReadRequest(Request()
            .With("timestamp", "2026-11-22T12:14:00.123+02:00")
            .With("method", "get")
            .With("durationMs", 12.70));

        Assert.Equal(plain.Id, rewritten.Id);
    }

    [Theory]
    [InlineData("timestamp", "\"2026-11-22T10:14:00.124Z\"")]
    [InlineData("endpoint", "\"/api/customers/{id}\"")]
    [InlineData("method", "\"POST\"")]
    [InlineData("status", "500")]
    [InlineData("durationMs", "12.8")]
    [InlineData("userId", "\"u-42\"")]
    [InlineData("orgId", "\"acme\"")]
    [InlineData("country", "\"ES\"")]
    [InlineData("invocation", "\"async\"")]
    [InlineData("model", "\"gpt-small\"")]
    [InlineData("units", "1")]
    [InlineData("cpuMs", "0.5")]
    [InlineData("gpuMs", "0.5")]
    public void Derived_id_differs_when_any_field_differs(string field, string rawJson) =>
        Assert.NotEqual(ReadRequest(Request()).Id, ReadRequest(Request().WithJson(field, rawJson)).Id);

    [Fact]
    public void Derived_id_differs_between_services()
    {
        var element = Request().Element();

        var orders = Accepted(new RequestEventReader("orders-api", Window).Read(element));
        var billing = Accepted(new RequestEventReader("billing-api", Window).Read(element));

        Assert.NotEqual(orders.Id, billing.Id);
    }

    [Fact]
    public void Derived_id_differs_for_requests_to_different_resources_of_one_route()
    {
        var first = ReadRequest(Request().With("endpoint", "/api/orders/1"));
        var second = ReadRequest(Request().With("endpoint", "/api/orders/2"));

        Assert.Equal(first.Endpoint, second.Endpoint);
        Assert.NotEqual(first.Id, second.Id);
    }

    private static string? Field(RequestEvent e, string field) => field switch
    {
        "userId" => e.UserId,
        "orgId" => e.OrgId,
        "model" => e.Model,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };
}
