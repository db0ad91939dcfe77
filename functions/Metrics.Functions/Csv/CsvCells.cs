using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using CsvHelper.TypeConversion;

namespace Metrics.Functions.Csv;

/// <summary>
/// How every CSV the app writes spells its cells: times as ISO 8601, days as <c>yyyy-MM-dd</c>, and numbers in plain
/// decimal notation. A double such as an error rate of 0.000004 would otherwise be written <c>4E-06</c>, which some
/// spreadsheets read as text and which finance should never have to decode. Decimals are never scientific.
/// </summary>
public static class CsvCells
{
    public static void Configure(CsvContext context)
    {
        foreach (var type in new[] { typeof(DateTimeOffset), typeof(DateTimeOffset?) })
            context.TypeConverterOptionsCache.GetOptions(type).Formats = ["O"];
        foreach (var type in new[] { typeof(DateOnly), typeof(DateOnly?) })
            context.TypeConverterOptionsCache.GetOptions(type).Formats = ["yyyy-MM-dd"];
        context.TypeConverterCache.AddConverter<double>(new PlainDouble());
    }

    /// <summary>The shortest text that reads back as the same double, as JSON writes it, without an exponent.</summary>
    public static string Plain(double value)
    {
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        if (!shortest.Contains('E', StringComparison.Ordinal)) return shortest;
        // Through decimal, which spells the same digits out; beyond its 28 places a value is 0 for any purpose here.
        return Math.Abs(value) < 1e-28 ? "0" : decimal.Parse(shortest, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }

    private sealed class PlainDouble : DoubleConverter
    {
        public override string? ConvertToString(object? value, IWriterRow row, MemberMapData memberMapData) =>
            value is double number && double.IsFinite(number) ? Plain(number) : base.ConvertToString(value, row, memberMapData);
    }
}
