using System.Text.Json.Serialization;

namespace Metrics.Core.Ingestion;

/// <summary>
/// Why an event was not stored, as a fixed vocabulary: the receipt's <c>code</c>, the <c>reason</c> label of
/// <c>metrics_ingest_events</c> and docs/api.md all use these names, declared once here. The English text beside it
/// (<see cref="Rejection.Reason"/>) is for people and may be reworded freely.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RejectionCode>))]
public enum RejectionCode
{
    [JsonStringEnumMemberName("not_an_object")] NotAnObject,
    [JsonStringEnumMemberName("missing_field")] MissingField,
    [JsonStringEnumMemberName("invalid_value")] InvalidValue,
    [JsonStringEnumMemberName("too_long")] TooLong,
    [JsonStringEnumMemberName("invalid_text")] InvalidText,
    [JsonStringEnumMemberName("control_characters")] ControlCharacters,
    [JsonStringEnumMemberName("repeated_field")] RepeatedField,
    [JsonStringEnumMemberName("too_old")] TooOld,
    [JsonStringEnumMemberName("in_future")] InFuture,
    [JsonStringEnumMemberName("finalised_hour")] FinalisedHour,
    [JsonStringEnumMemberName("bot")] Bot,
}
