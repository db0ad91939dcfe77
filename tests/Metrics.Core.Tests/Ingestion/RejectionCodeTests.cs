using System.Text.Json;
using Metrics.Core.Ingestion;

namespace Metrics.Core.Tests.Ingestion;

public sealed class RejectionCodeTests
{
    /// <summary>The names docs/api.md and docs/operations.md promise: a receipt's <c>code</c> and the metric's <c>reason</c> label.</summary>
    [Fact]
    public void Every_code_has_the_documented_name_and_json_writes_the_same()
    {
        string[] documented = ["not_an_object", "missing_field", "invalid_value", "too_long", "invalid_text", "control_characters", "repeated_field",
            "too_old", "in_future", "finalised_hour", "bot"];

        Assert.Equal(documented, Enum.GetValues<RejectionCode>().Select(code => code.Name()));
        Assert.Equal(documented.Select(name => $"\"{name}\""), Enum.GetValues<RejectionCode>().Select(code => JsonSerializer.Serialize(code)));
    }

    [Theory]
    [InlineData("""{"timestamp":"2026-11-22T10:00:00Z","endpoint":"/a","method":"GET","status":200}""", RejectionCode.MissingField)]
    [InlineData("""{"timestamp":"2026-11-22T10:00:00Z","endpoint":"/a","method":"GET","status":200,"durationMs":"x"}""", RejectionCode.InvalidValue)]
    [InlineData("""{"timestamp":"2026-11-22T10:00:00Z","endpoint":"/a","method":"GET","status":200,"durationMs":1,"status":500}""", RejectionCode.RepeatedField)]
    [InlineData("""{"timestamp":"2026-11-22T10:00:00Z","endpoint":"/a\u0001","method":"GET","status":200,"durationMs":1}""", RejectionCode.ControlCharacters)]
    [InlineData("""{"timestamp":"2026-11-22T10:00:00Z","endpoint":"/a","method":"GET","status":200,"durationMs":1,"userId":"\ud800"}""", RejectionCode.InvalidText)]
    [InlineData("""{"timestamp":"2026-11-01T10:00:00Z","endpoint":"/a","method":"GET","status":200,"durationMs":1}""", RejectionCode.TooOld)]
    [InlineData("""{"timestamp":"2026-11-23T10:00:00Z","endpoint":"/a","method":"GET","status":200,"durationMs":1}""", RejectionCode.InFuture)]
    [InlineData("""{"timestamp":"2026-11-22T10:00:00Z","endpoint":"/a","method":"GET","status":200,"durationMs":1,"country":"ESP"}""", RejectionCode.TooLong)]
    [InlineData("""42""", RejectionCode.NotAnObject)]
    public void A_refused_request_event_says_why_as_a_code(string json, RejectionCode code)
    {
        var window = AcceptanceWindow.At(new DateTimeOffset(2026, 11, 22, 10, 30, 0, TimeSpan.Zero), rawRetentionDays: 7);
        using var document = JsonDocument.Parse(json);

        var read = new RequestEventReader("orders-api", window).Read(document.RootElement);

        Assert.Null(read.Event);
        Assert.Equal(code, read.Code);
    }
}
