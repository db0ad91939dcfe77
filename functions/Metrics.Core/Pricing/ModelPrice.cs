using System.Text.Json.Serialization;

namespace Metrics.Core.Pricing;

/// <summary>
/// What one unit of a model costs from the start (00:00 UTC) of <paramref name="EffectiveFrom"/> until the model's next
/// price; without a date, since always. Prices are decimals so that spend adds up to the cent.
/// </summary>
public sealed record ModelPrice(string Model, decimal UnitPrice, DateOnly? EffectiveFrom = null)
{
    /// <summary>The instant the price comes into force.</summary>
    [JsonIgnore]
    public DateTimeOffset Start => EffectiveFrom is { } day ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : DateTimeOffset.MinValue;
}
