using System.Globalization;
using System.Net;
using CsvHelper;
using Metrics.Functions.Tests.Security;
using static Metrics.Functions.Tests.Queries.MetricsCalls;

namespace Metrics.Functions.Tests.Queries;

public sealed partial class TrafficQueryTests
{
    public static readonly TheoryData<string> Dimensions = new() { "service", "endpoint", "user", "country", "org", "model", "membership" };

    /// <summary>The row an event belongs to in each dimension, named as docs/api.md names it.</summary>
    private static Func<SentRequest, string> KeyOf(string by) => by switch
    {
        "service" => e => e.Service,
        "endpoint" => e => $"{e.Service} {e.Method} {e.Endpoint}",
        "user" => e => e.UserId ?? "(none)",
        "country" => e => e.CountryCode ?? "(none)",
        "org" => e => e.OrgId ?? "(none)",
        "model" => e => e.Model ?? "(none)",
        "membership" => e => e.UserId is not null && TrafficFixture.Members.Contains(e.UserId) ? "member" : "external",
        _ => throw new ArgumentOutOfRangeException(nameof(by), by, null),
    };

    [Theory]
    [MemberData(nameof(Dimensions))]
    public async Task Breakdown_rows_and_totals_equal_an_exact_computation_and_the_performance_summary(string by)
    {
        foreach (var state in fixture.States)
        foreach (var range in new[] { TrafficFixture.Week, TrafficFixture.Ragged, TrafficFixture.WholeDays })
        {
            var response = await state.Client.GetMetricsAsync($"/api/metrics/breakdown?{range.Query}&by={by}");
            var summary = (await state.Client.GetMetricsAsync($"/api/metrics/performance?{range.Query}")).GetProperty("summary");

            var window = RangeOf(response);
            var context = $"{state} {range} by={by}";
            QueryAssert.Equal(range.Expected, window, $"{context}: range");
            Assert.Equal(by, response.Text("by"));
            ExpectedAnswers.Breakdown(KeyOf(by), RequestsIn(window), response, context);

            // The same range's totals, from another rollup family, are the same numbers.
            var totals = response.GetProperty("totals");
            QueryAssert.Equal(summary.Long("requests"), totals.Long("requests"), $"{context}: totals vs summary requests");
            QueryAssert.Equal(summary.Double("avgMs"), totals.Double("avgMs"), $"{context}: totals vs summary avgMs");
            QueryAssert.Equal(summary.Double("errorRate"), totals.Double("errorRate"), $"{context}: totals vs summary errorRate");
            QueryAssert.Equal(summary.Double("p95Ms"), totals.Double("p95Ms"), $"{context}: totals vs summary p95Ms");
            QueryAssert.Equal(summary.Long("activeUsers"), totals.Long("users"), $"{context}: totals vs summary users");
        }
        ReportObservedErrors();
    }

    [Fact]
    public async Task Breakdown_service_filter_breaks_down_only_that_service()
    {
        foreach (var state in fixture.States)
        foreach (var by in new[] { "endpoint", "model", "country" })
        {
            var response = await state.Client.GetMetricsAsync($"/api/metrics/breakdown?{TrafficFixture.Ragged.Query}&by={by}&service={TrafficGenerator.Inference}");

            var events = RequestsIn(RangeOf(response)).Where(e => e.Service == TrafficGenerator.Inference).ToList();
            ExpectedAnswers.Breakdown(KeyOf(by), events, response, $"{state} by={by} service={TrafficGenerator.Inference}");
        }
    }

    [Theory]
    [MemberData(nameof(Dimensions))]
    public async Task Breakdown_csv_holds_the_same_rows_and_numbers_as_the_json(string by)
    {
        foreach (var state in new[] { fixture.Compacted, fixture.States[^1] })
        {
            var query = $"/api/metrics/breakdown?{TrafficFixture.Week.Query}&by={by}";
            var json = (await state.Client.GetMetricsAsync(query)).Items("rows").ToList();
            using var response = await state.Client.GetAsAsync($"{query}&format=csv");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            var csv = ParseCsv(await response.Content.ReadAsStringAsync());
            Assert.Equal(json.Count, csv.Count);
            foreach (var (row, record) in json.Zip(csv))
            {
                var what = $"{state} by={by} csv row {row.Text("key")}";
                QueryAssert.Equal(row.Text("key"), Unescaped(record["key"]), $"{what} key");
                foreach (var column in new[] { "requests", "errors", "clientErrors", "serverErrors", "units", "syncRequests", "asyncRequests", "users" })
                    QueryAssert.Equal(row.Long(column), long.Parse(record[column], CultureInfo.InvariantCulture), $"{what} {column}");
                foreach (var column in new[] { "errorRate", "avgMs", "p95Ms", "cpuMs", "gpuMs", "share" })
                    QueryAssert.Equal(row.Double(column), double.Parse(record[column], CultureInfo.InvariantCulture), $"{what} {column}");
                QueryAssert.Equal(row.Decimal("spend"), decimal.Parse(record["spend"], CultureInfo.InvariantCulture), $"{what} spend");
            }
        }
    }

    [Fact]
    public async Task Breakdown_csv_escapes_user_ids_a_spreadsheet_would_run_as_formulas()
    {
        var present = TrafficGenerator.FormulaUserIds.Where(id => fixture.Traffic.Requests.Any(e => e.UserId == id && TrafficFixture.Week.Expected.Contains(e))).ToList();
        Assert.Equal(TrafficGenerator.FormulaUserIds, present);

        using var response = await fixture.Compacted.Client.GetAsAsync($"/api/metrics/breakdown?{TrafficFixture.Week.Query}&by=user&format=csv");
        var text = await response.Content.ReadAsStringAsync();

        var records = ParseCsv(text);
        var keys = records.Select(r => r["key"]).ToList();
        foreach (var id in present)
        {
            Assert.DoesNotContain(id, keys);
            Assert.Contains(keys, key => key.Length > id.Length && key.EndsWith(id, StringComparison.Ordinal));
        }
        Assert.All(records.SelectMany(r => r.Values), cell => Assert.False(cell.Length > 0 && "=+-@\t\r".Contains(cell[0], StringComparison.Ordinal), cell));
        Assert.All(text.Split('\n').Where(line => line.Length > 0), line => Assert.False("=+-@".Contains(line[0], StringComparison.Ordinal), line));
    }

    private static List<Dictionary<string, string>> ParseCsv(string text)
    {
        using var reader = new StringReader(text);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        var records = new List<Dictionary<string, string>>();
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        while (csv.Read()) records.Add(header.ToDictionary(column => column, column => csv.GetField(column)!));
        return records;
    }

    /// <summary>Undoes the CSV's formula escaping (a leading apostrophe before = + - @) to compare keys with the JSON's.</summary>
    private static string Unescaped(string cell) => cell.Length > 1 && cell[0] == '\'' && "=+-@\t\r".Contains(cell[1], StringComparison.Ordinal) ? cell[1..] : cell;
}
