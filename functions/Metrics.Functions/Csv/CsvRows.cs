using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace Metrics.Functions.Csv;

/// <summary>
/// Writes rows as CSV, for the exports and the breakdown route alike, so a CSV and the JSON it mirrors never disagree: UTF-8 without a BOM, a header row named as the JSON properties, times
/// in ISO-8601, and cells a spreadsheet would run as a formula (starting with = + - @ tab or CR) escaped.
/// Rows are written as they arrive, so an export of any size needs only a row's worth of memory.
/// </summary>
public static class CsvRows
{
    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape };

    /// <returns>The number of rows written, not counting the header.</returns>
    public static async Task<long> WriteAsync<T>(Stream output, IAsyncEnumerable<T> rows, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
        await using var csv = new CsvWriter(writer, Configuration);
        csv.Context.RegisterClassMap<CamelCaseColumns<T>>();
        CsvCells.Configure(csv.Context);

        // The header is written even when no row follows: an empty export still says what its columns are.
        csv.WriteHeader<T>();
        await csv.NextRecordAsync();
        long count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            csv.WriteRecord(row);
            await csv.NextRecordAsync();
            count++;
        }
        return count;
    }

    /// <summary>Column names as the JSON's property names, so a CSV and the query it mirrors line up.</summary>
    private sealed class CamelCaseColumns<T> : ClassMap<T>
    {
        public CamelCaseColumns()
        {
            AutoMap(CultureInfo.InvariantCulture);
            foreach (var column in MemberMaps) column.Name(JsonNamingPolicy.CamelCase.ConvertName(column.Data.Member!.Name));
        }
    }
}
