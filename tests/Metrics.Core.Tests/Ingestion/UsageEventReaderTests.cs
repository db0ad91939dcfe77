using System.Text.Json.Nodes;
using Metrics.Core.Ingestion;
using static Metrics.Core.Tests.Ingestion.Events;

namespace Metrics.Core.Tests.Ingestion;

public sealed class UsageEventReaderTests
{
    [Fact]
    public void Beacon_of_the_api_example_is_accepted_with_every_field()
    {
        var e = ReadUsage(PageView()
            .With("id", "b-1")
            .With("name", "hero")
            .With("elementId", "cta")
            .With("userId", "u-42")
            .With("sessionId", "s-9")
            .WithJson("properties", """{"plan":"pro"}"""));

        var expected = new UsageEvent("b-1", Site, "page_view", new DateTimeOffset(2026, 11, 22, 10, 14, 0, 123, TimeSpan.Zero),
            "/pricing", "hero", "cta", "u-42", "u-42", "s-9", "ES", """{"plan":"pro"}""");
        Assert.Equal(expected, e);
    }

    [Theory]
    [InlineData("pageview")]
    [InlineData("PAGE_VIEW")]
    [InlineData("click")]
    [InlineData("purchase")]
    public void Unknown_type_is_rejected_with_the_list_of_allowed_types(string type)
    {
        var reason = RejectUsage(PageView().With("type", type));

        Assert.Equal($"type '{type}' is not one of page_view, button_click, form_submit, feature_use, custom", reason);
    }

    [Fact]
    public void Missing_type_is_rejected() =>
        Assert.Equal("type is required", RejectUsage(PageView().Without("type")));

    [Fact]
    public void Type_longer_than_32_characters_is_rejected() =>
        Assert.Equal("type is longer than 32 characters", RejectUsage(PageView().With("type", new string('t', 33))));

    [Theory]
    [InlineData("button_click")]
    [InlineData("form_submit")]
    [InlineData("feature_use")]
    [InlineData("custom")]
    public void Types_other_than_page_view_are_accepted_without_a_page(string type)
    {
        var e = ReadUsage(PageView().With("type", type).Without("page"));

        Assert.Equal(type, e.Type);
        Assert.Null(e.Page);
    }

    [Fact]
    public void Every_type_the_api_allows_is_accepted() =>
        Assert.All(UsageEventTypes.All, type => Assert.Equal(type, ReadUsage(PageView().With("type", type)).Type));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Page_view_without_a_page_is_rejected(string? page) =>
        Assert.Equal("page is required for a page_view", RejectUsage(PageView().With("page", page)));

    [Fact]
    public void Page_view_with_no_page_field_is_rejected() =>
        Assert.Equal("page is required for a page_view", RejectUsage(PageView().Without("page")));

    [Theory]
    [InlineData("/pricing?email=jane@example.com", "/pricing")]
    [InlineData("/docs#install", "/docs")]
    [InlineData("/signup?token=abc#step-2", "/signup")]
    [InlineData("/pricing", "/pricing")]
    public void Query_string_and_fragment_are_stripped_from_the_page(string page, string stored) =>
        Assert.Equal(stored, ReadUsage(PageView().With("page", page)).Page);

    [Fact]
    public void Query_string_is_stripped_from_the_page_of_other_types_too() =>
        Assert.Equal("/settings", ReadUsage(PageView().With("type", "button_click").With("page", "/settings?tab=billing")).Page);

    [Fact]
    public void Page_view_whose_page_is_only_a_query_string_is_not_stored_with_an_empty_page()
    {
        var read = new UsageEventReader(Site, Window, Client).Read(PageView().With("page", "?utm_source=mail").Element());

        Assert.NotEqual("", read.Event?.Page);
    }

    [Fact]
    public void Page_longer_than_1024_characters_is_rejected() =>
        Assert.Equal("page is longer than 1024 characters", RejectUsage(PageView().With("page", "/" + new string('p', 1024))));

    [Fact]
    public void Properties_with_more_than_20_entries_are_rejected_and_20_accepted()
    {
        Assert.Equal("properties has more than 20 entries", RejectUsage(PageView().With("properties", Properties(21))));

        var accepted = ReadUsage(PageView().With("properties", Properties(20)));
        Assert.Equal(Properties(20).ToJsonString(), accepted.Properties);
    }

    [Theory]
    [InlineData("""{"plan":{"name":"pro"}}""")]
    [InlineData("""{"plan":["pro","team"]}""")]
    [InlineData("""{"plan":[]}""")]
    [InlineData("""{"ok":1,"plan":{}}""")]
    public void Property_that_is_an_object_or_array_is_rejected(string properties) =>
        Assert.Equal("property 'plan' must be a string, number or boolean", RejectUsage(PageView().WithJson("properties", properties)));

    [Fact]
    public void Property_value_longer_than_256_characters_is_rejected_and_256_accepted()
    {
        var tooLong = new JsonObject { ["note"] = new string('n', 257) };
        var longest = new JsonObject { ["note"] = new string('n', 256) };

        Assert.Equal("property 'note' is longer than 256 characters", RejectUsage(PageView().With("properties", tooLong)));
        Assert.Equal(longest.ToJsonString(), ReadUsage(PageView().With("properties", longest)).Properties);
    }

    [Fact]
    public void Property_with_an_empty_name_is_rejected() =>
        Assert.Equal("property names must be 1 to 64 characters", RejectUsage(PageView().WithJson("properties", """{"":"x"}""")));

    [Fact]
    public void Property_name_longer_than_64_characters_is_rejected_and_64_accepted()
    {
        var tooLong = new JsonObject { [new string('k', 65)] = "x" };
        var longest = new JsonObject { [new string('k', 64)] = "x" };

        Assert.Equal("property names must be 1 to 64 characters", RejectUsage(PageView().With("properties", tooLong)));
        Assert.NotNull(ReadUsage(PageView().With("properties", longest)).Properties);
    }

    [Fact]
    public void Properties_of_strings_numbers_booleans_and_nulls_are_kept_as_their_json()
    {
        const string properties = """{"plan":"pro","seats":5,"trial":false,"coupon":null}""";

        Assert.Equal(properties, ReadUsage(PageView().WithJson("properties", properties)).Properties);
    }

    [Theory]
    [InlineData("\"plan=pro\"")]
    [InlineData("[\"pro\"]")]
    [InlineData("3")]
    public void Properties_that_are_not_an_object_are_rejected(string properties) =>
        Assert.Equal("properties must be an object", RejectUsage(PageView().WithJson("properties", properties)));

    [Fact]
    public void Absent_or_null_properties_are_stored_as_none()
    {
        Assert.Null(ReadUsage(PageView()).Properties);
        Assert.Null(ReadUsage(PageView().WithJson("properties", "null")).Properties);
    }

    [Fact]
    public void Visitor_is_the_user_id_when_the_event_has_one()
    {
        var e = ReadUsage(PageView().With("userId", "u-42"));

        Assert.Equal("u-42", e.VisitorId);
        Assert.Equal("u-42", e.UserId);
        Assert.False(e.IsAnonymous);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Visitor_is_the_clients_anonymous_id_when_the_event_has_no_user_id(string? userId)
    {
        var e = ReadUsage(PageView().With("userId", userId));

        Assert.Equal(Client.AnonymousVisitorId, e.VisitorId);
        Assert.Null(e.UserId);
        Assert.True(e.IsAnonymous);
    }

    [Fact]
    public void Country_comes_from_the_client_never_from_the_event()
    {
        Assert.Equal("ES", ReadUsage(PageView().With("country", "US")).Country);
        Assert.Null(ReadUsage(PageView().With("country", "US"), Client with { Country = null }).Country);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("elementId")]
    [InlineData("userId")]
    [InlineData("sessionId")]
    public void Text_over_256_characters_is_rejected(string field) =>
        Assert.Equal($"{field} is longer than 256 characters", RejectUsage(PageView().With(field, new string('x', 257))));

    [Theory]
    [InlineData("name", "hero\u0007")]
    [InlineData("page", "/pricing\u0000/x")]
    [InlineData("sessionId", "s\r9")]
    public void Text_with_control_characters_is_rejected(string field, string text) =>
        Assert.Equal($"{field} contains control characters", RejectUsage(PageView().With(field, text)));

    [Theory]
    [InlineData("b/1")]
    [InlineData("b\\1")]
    [InlineData("b#1")]
    [InlineData("b?1")]
    public void Id_with_a_character_that_table_keys_forbid_is_rejected(string id) =>
        Assert.Equal("id may not contain / \\ # ? or control characters", RejectUsage(PageView().With("id", id)));

    [Fact]
    public void Timestamp_outside_the_acceptance_window_is_rejected()
    {
        Assert.StartsWith("timestamp is older than the raw retention window",
            RejectUsage(PageView().With("timestamp", Window.Earliest.AddTicks(-1).ToString("O"))), StringComparison.Ordinal);
        Assert.StartsWith("timestamp is more than 5 minutes in the future",
            RejectUsage(PageView().With("timestamp", Window.Latest.AddTicks(1).ToString("O"))), StringComparison.Ordinal);
        Assert.Equal("timestamp is required", RejectUsage(PageView().Without("timestamp")));
    }

    [Fact]
    public void Timestamp_with_an_offset_is_stored_in_utc()
    {
        var e = ReadUsage(PageView().With("timestamp", "2026-11-22T12:14:00.123+02:00"));

        Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 14, 0, 123, TimeSpan.Zero), e.Timestamp);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"page_view\"")]
    [InlineData("null")]
    public void Event_that_is_not_a_json_object_is_rejected(string json) =>
        Assert.Equal("event must be a JSON object", Rejected(new UsageEventReader(Site, Window, Client).Read(Parse(json))));

    [Fact]
    public void Derived_id_is_deterministic_for_equal_content_and_differs_for_different_content()
    {
        var first = ReadUsage(PageView());

        Assert.Matches("^h-[0-9a-f]{32}$", first.Id);
        Assert.Equal(first.Id, ReadUsage(PageView()).Id);
        Assert.NotEqual(first.Id, ReadUsage(PageView().With("page", "/docs")).Id);
        Assert.NotEqual(first.Id, ReadUsage(PageView().With("userId", "u-42")).Id);
        Assert.NotEqual(first.Id, ReadUsage(PageView(), Client with { AnonymousVisitorId = "anon-other" }).Id);
        Assert.NotEqual(first.Id, ReadUsage(PageView().WithJson("properties", """{"plan":"pro"}""")).Id);
        Assert.NotEqual(first.Id, Accepted(new UsageEventReader("site_other", Window, Client).Read(PageView().Element())).Id);
    }

    private static JsonObject Properties(int count)
    {
        var properties = new JsonObject();
        for (var i = 0; i < count; i++) properties[$"p{i}"] = i;
        return properties;
    }
}
