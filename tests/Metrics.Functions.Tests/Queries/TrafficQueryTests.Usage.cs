using static Metrics.Functions.Tests.Queries.MetricsCalls;

namespace Metrics.Functions.Tests.Queries;

public sealed partial class TrafficQueryTests
{
    [Fact]
    public async Task Usage_summary_event_types_and_pages_equal_an_exact_computation_in_every_range_and_storage_state()
    {
        foreach (var state in fixture.States)
        foreach (var range in TrafficFixture.Ranges)
        {
            var response = await state.Client.GetMetricsAsync($"/api/metrics/usage?{range.Query}");

            var window = RangeOf(response);
            QueryAssert.Equal(range.Expected, window, $"{state} {range}: range");
            ExpectedAnswers.Usage(UsageIn(window), response, eventType: null, includeAnonymous: true, $"{state} {range}");
            var withoutCountry = UsageIn(window).Count(e => e.Country is null);
            Assert.Contains($"{withoutCountry:N0} events came without a country; they are the row (none).", response.Source("usage")!.Value.Text("detail"));
        }
    }

    [Theory]
    [InlineData("page_view")]
    [InlineData("button_click")]
    [InlineData("form_submit")]
    [InlineData("feature_use")]
    [InlineData("custom")]
    public async Task Usage_event_type_filter_counts_only_that_type_and_lists_pages_only_for_page_views(string type)
    {
        foreach (var state in fixture.States)
        {
            var response = await state.Client.GetMetricsAsync($"/api/metrics/usage?{TrafficFixture.Ragged.Query}&eventType={type}");

            ExpectedAnswers.Usage(UsageIn(RangeOf(response)), response, type, includeAnonymous: true, $"{state} eventType={type}");
            if (type != "page_view") Assert.Empty(response.Items("pages"));
        }
    }

    [Theory]
    [InlineData("includeAnonymous=false", null, false)]
    [InlineData("includeAnonymous=false&eventType=page_view", "page_view", false)]
    [InlineData("includeAnonymous=true", null, true)]
    public async Task Usage_without_anonymous_visitors_counts_only_signed_in_users(string query, string? eventType, bool includeAnonymous)
    {
        foreach (var state in fixture.States)
        {
            var response = await state.Client.GetMetricsAsync($"/api/metrics/usage?{TrafficFixture.Week.Query}&{query}");

            ExpectedAnswers.Usage(UsageIn(RangeOf(response)), response, eventType, includeAnonymous, $"{state} {query}");
            var summary = response.GetProperty("summary");
            if (!includeAnonymous) Assert.Equal(summary.Long("activeUsers"), summary.Long("uniqueUsers"));
            else Assert.True(summary.Long("uniqueUsers") > summary.Long("activeUsers"));
        }
    }

    [Fact]
    public async Task Usage_count_is_the_number_of_events_in_the_range()
    {
        foreach (var state in fixture.States)
        foreach (var range in new[] { TrafficFixture.Day, TrafficFixture.Month, TrafficFixture.Ragged })
        {
            var response = await state.Client.GetMetricsAsync($"/api/metrics/usage/count?{range.Query}");

            var window = RangeOf(response);
            QueryAssert.Equal(range.Expected, window, $"{state} {range}: range");
            QueryAssert.Equal(UsageIn(window).Count, response.Long("count"), $"{state} {range}: count");
        }
    }
}
