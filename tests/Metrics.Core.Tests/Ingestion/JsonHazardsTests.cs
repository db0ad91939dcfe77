using System.Text.Json;
using Metrics.Core.Ingestion;

namespace Metrics.Core.Tests.Ingestion;

public sealed class JsonHazardsTests
{
    [Theory]
    [InlineData("""{"a":1,"b":"x","c":[1,{"d":"\u00e9"}],"e":{"f":null}}""")]
    [InlineData("""[]""")]
    [InlineData("""{"emoji":"\ud83d\ude00"}""")]
    public void Readable_json_has_no_hazard(string json) => Assert.Null(JsonHazards.Find(Parse(json)));

    [Theory]
    [InlineData("""{"status":200,"status":500}""", "'status' appears more than once")]
    [InlineData("""{"a":{"b":1,"b":2}}""", "'a.b' appears more than once")]
    [InlineData("""{"a":[{"x":1},{"x":1,"x":2}]}""", "'a[1].x' appears more than once")]
    [InlineData("""{"endpoint":"\ud800"}""", "'endpoint' is not valid text")]
    [InlineData("""{"p":{"k":"\udc00x"}}""", "'p.k' is not valid text")]
    [InlineData("""{"\ud800":1}""", "a field name in the value is not valid text")]
    public void Ambiguous_or_undecodable_json_names_where(string json, string reason) =>
        Assert.StartsWith(reason, JsonHazards.Find(Parse(json))!.Text, StringComparison.Ordinal);

    [Fact]
    public void A_skipped_field_is_not_looked_into()
    {
        var batch = Parse("""{"service":"s","events":[{"a":1,"a":2}]}""");

        Assert.Null(JsonHazards.Find(batch, skip: "events"));
        Assert.NotNull(JsonHazards.Find(batch));
    }

    [Fact]
    public void An_event_with_a_field_given_twice_is_rejected_with_that_reason()
    {
        var reader = new RequestEventReader("svc", AcceptanceWindow.At(DateTimeOffset.UtcNow, 7));
        var json = $$"""{"timestamp":"{{DateTimeOffset.UtcNow.AddMinutes(-1):O}}","endpoint":"/a","method":"GET","status":200,"status":500,"durationMs":1}""";

        var read = reader.Read(Parse(json));

        Assert.Null(read.Event);
        Assert.StartsWith("'status' appears more than once", read.Reason, StringComparison.Ordinal);
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
