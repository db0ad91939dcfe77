using System.Net;
using System.Text.Json;
using Metrics.Functions.Tests.Ingest;
using Metrics.Functions.Tests.Security;
using Metrics.Storage.Admin;
using Metrics.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Functions.Tests.Admin;

[Collection(AzuriteCollection.Name)]
public sealed class RosterTests(SharedAzurite azurite) : IAsyncLifetime
{
    private const string Route = "/api/admin/roster";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Csv_roster_with_a_header_is_stored_trimmed_and_read_back_sorted()
    {
        var csv = "\uFEFFuserId,name\r\n  u-2 ,Bea\r\n\r\nu-1,Al\n\"u-3\",\"Cy, Jr\"\n   \nu-2,again\n";

        var response = await _app.Client.PutAsAsync(Route, Callers.Text(csv, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await response.ReadJsonAsync()).GetProperty("members").GetInt32());
        Assert.Equal(["u-1", "u-2", "u-3"], await MembersAsync());
        var rows = await _app.Storage.AllAsync(AdminTables.Roster);
        Assert.All(rows, row => Assert.Equal("member", row.PartitionKey));
        Assert.Equal(["u-1", "u-2", "u-3"], rows.Select(r => r.RowKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Csv_roster_without_a_header_takes_every_line()
    {
        await _app.Client.PutAsAsync(Route, Callers.Text("u-9\nu-8", "text/csv"));

        Assert.Equal(["u-8", "u-9"], await MembersAsync());
    }

    [Theory]
    [InlineData("""["u-1", " u-2 ", "u-1"]""")]
    [InlineData("""{"members": ["u-2", "u-1"]}""")]
    public async Task Json_roster_as_a_list_or_as_members_is_accepted(string json)
    {
        var response = await _app.Client.PutAsAsync(Route, Callers.Text(json, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.ReadJsonAsync()).GetProperty("members").GetInt32());
        Assert.Equal(["u-1", "u-2"], await MembersAsync());
    }

    [Fact]
    public async Task Replacing_the_roster_removes_ids_not_in_the_new_list_at_once_for_queries()
    {
        var first = Enumerable.Range(0, 250).Select(i => $"user-{i:D3}").ToList();
        await _app.Client.PutAsAsync(Route, Callers.Text(JsonSerializer.Serialize(first), "application/json"));
        // Read once, so the app's cached roster holds all 250 when it is replaced.
        Assert.Equal(250, (await MembersAsync()).Count);

        var second = first.Skip(200).Append("newcomer").ToList();
        var response = await _app.Client.PutAsAsync(Route, Callers.Text($$"""{"members": {{JsonSerializer.Serialize(second)}}}""", "application/json"));

        Assert.Equal(51, (await response.ReadJsonAsync()).GetProperty("members").GetInt32());
        Assert.Equal(second.Order(StringComparer.Ordinal), await MembersAsync());
        Assert.Equal(51, (await _app.Storage.AllAsync(AdminTables.Roster)).Count);
    }

    [Fact]
    public async Task Ids_that_cannot_be_keys_are_listed_in_a_400_and_nothing_changes()
    {
        await _app.Client.PutAsAsync(Route, Callers.Text("keep-me", "text/csv"));
        var csv = string.Join('\n', "userId", "fine", "a/b", "x#y", "why?", @"back\slash", "tab\there", new string('x', 257));

        var response = await _app.Client.PutAsAsync(Route, Callers.Text(csv, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("urn:metrics-functions:problem:invalid-user-ids", problem.GetProperty("type").GetString());
        Assert.Equal(6, problem.GetProperty("rejectedCount").GetInt32());
        var rejected = problem.GetProperty("rejected").EnumerateArray().Select(e => e.GetProperty("value").GetString()).ToList();
        Assert.Equal(["a/b", "x#y", "why?", @"back\slash", "tab\there", new string('x', 257)], rejected);
        Assert.Equal("line 3", problem.GetProperty("rejected")[0].GetProperty("at").GetString());
        Assert.Equal(["keep-me"], await MembersAsync());
    }

    [Theory]
    [InlineData("", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("[\"u-1\"", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("{\"users\": [\"u-1\"]}", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("[\"u-1\", {\"id\": 2}]", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("<members/>", "application/xml", HttpStatusCode.UnsupportedMediaType)]
    public async Task Unusable_upload_is_refused_and_keeps_the_roster(string body, string mediaType, HttpStatusCode status)
    {
        await _app.Client.PutAsAsync(Route, Callers.Text("keep-me", "text/csv"));

        var response = await _app.Client.PutAsAsync(Route, Callers.Text(body, mediaType));

        Assert.Equal(status, response.StatusCode);
        if (status == HttpStatusCode.BadRequest) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["keep-me"], await MembersAsync());
    }

    [Theory]
    [InlineData(null, "u-1\nu-2")]
    [InlineData(null, "[\"u-1\", \"u-2\"]")]
    [InlineData("text/plain", "userid\nu-1\nu-2")]
    public async Task Roster_sent_as_plain_text_or_without_a_type_is_read_by_its_shape(string? mediaType, string body)
    {
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
        if (mediaType is not null) content.Headers.ContentType = new(mediaType);

        var response = await _app.Client.PutAsAsync(Route, content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["u-1", "u-2"], await MembersAsync());
    }

    [Fact]
    public async Task Empty_json_list_clears_the_roster()
    {
        await _app.Client.PutAsAsync(Route, Callers.Text("u-1\nu-2", "text/csv"));

        var response = await _app.Client.PutAsAsync(Route, Callers.Text("[]", "application/json"));

        Assert.Equal(0, (await response.ReadJsonAsync()).GetProperty("members").GetInt32());
        Assert.Empty(await MembersAsync());
    }

    private async Task<List<string?>> MembersAsync()
    {
        var response = await _app.Client.GetAsAsync(Route);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("members").EnumerateArray().Select(m => m.GetString()).ToList();
    }
}
