using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Metrics.Core.Queries;

namespace Metrics.Functions.Queries;

/// <summary>
/// CSV of a breakdown, the same rows and numbers as its JSON. Cells that a spreadsheet would run as a
/// formula (starting with = + - @ tab or CR) are escaped by CsvHelper's injection protection.
/// </summary>
public static class BreakdownCsv
{
    public static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape };

    public static async Task WriteAsync(Stream output, IEnumerable<BreakdownRow> rows, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(false), leaveOpen: true);
        await using var csv = new CsvWriter(writer, Configuration);
        csv.Context.RegisterClassMap<CamelCaseColumns>();
        Exports.CsvCells.Configure(csv.Context);
        await csv.WriteRecordsAsync(rows, cancellationToken);
    }

    /// <summary>Column names as the JSON's property names, so a CSV and its JSON line up.</summary>
    private sealed class CamelCaseColumns : ClassMap<BreakdownRow>
    {
        public CamelCaseColumns()
        {
            AutoMap(CultureInfo.InvariantCulture);
            foreach (var column in MemberMaps) column.Name(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(column.Data.Member!.Name));
        }
    }
}
