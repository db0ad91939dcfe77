using System.Text.Json;
using Metrics.Core.Exports;
using Metrics.Core.Ingestion;
using Metrics.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Exports;

/// <summary>The body of <c>POST /api/exports</c>; which fields apply depends on <see cref="Kind"/> (docs/api.md, "Exports").</summary>
public sealed record ExportRequestBody(string? Kind, string? By, string? From, string? To, string? Range, string? Service, string? Month = null,
    string? Org = null)
{
    public const int MaxBytes = 16 * 1024;

    public ExportRequest ToRequest() => new(Kind, By, From, To, Range, Service, Month, Org);

    /// <summary>The body, or a 4xx problem saying why it cannot be read (type, size, encoding and UTF-8 first, by <see cref="RequestBody"/>).</summary>
    public static async Task<(ExportRequestBody? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var rules = new BodyRules(["application/json"], MaxBytes, () => Unreadable($"The body is over {MaxBytes} bytes; an export request is a few fields."));
        var (bytes, unreadable) = await RequestBody.ReadAsync(request, rules, cancellationToken);
        if (unreadable is not null) return (null, unreadable);
        using var _ = bytes!;
        if (bytes!.Length == 0) return (null, Unreadable("The body is empty; send a JSON object with at least 'kind'."));
        try
        {
            using var json = JsonDocument.Parse(bytes.Bytes);
            if (JsonHazards.Find(json.RootElement) is { } hazard) return (null, Unreadable($"The export request cannot be read: {hazard}."));
            var body = json.RootElement.Deserialize<ExportRequestBody>(JsonSerializerOptions.Web);
            return body is null ? (null, Unreadable("The body is empty; send a JSON object with at least 'kind'.")) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, Unreadable($"The body is not a JSON export request: {e.Message}"));
        }
    }

    private static ProblemHttpResult Unreadable(string detail) =>
        Problems.Of(StatusCodes.Status400BadRequest, "invalid-export", "The export request is not valid", detail);
}
