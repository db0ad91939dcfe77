using Metrics.Functions.Csv;
using Metrics.Functions.Exports;

namespace Metrics.Functions.Tests.Csv;

/// <summary>CSV numbers are never in scientific notation, and still read back as the same double.</summary>
public sealed class CsvCellsTests
{
    [Theory]
    [InlineData(4e-6, "0.000004")]
    [InlineData(1.25e-5, "0.0000125")]
    [InlineData(123456789012345678d, "123456789012345680")]
    [InlineData(0.1, "0.1")]
    [InlineData(33.03333333333333, "33.03333333333333")]
    [InlineData(0d, "0")]
    [InlineData(-7.5e-7, "-0.00000075")]
    public void Doubles_are_written_in_plain_decimals_that_read_back_exactly(double value, string expected)
    {
        var text = CsvCells.Plain(value);

        Assert.Equal(expected, text);
        Assert.DoesNotContain("E", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
    }
}
