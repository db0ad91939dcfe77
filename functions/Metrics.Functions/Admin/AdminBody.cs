using System.Text;
using Metrics.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Admin;

/// <summary>The body of an admin upload (a roster, a price list), read whole with a byte cap.</summary>
internal static class AdminBody
{
    public const int MaxBytes = 4 * 1024 * 1024;
    private const int MaxListedRejections = 50;
    private static readonly char[] Blank = ['\uFEFF', ' ', '\t', '\r', '\n'];

    /// <summary>The body's bytes (type, cap, encoding and UTF-8 checked by <see cref="RequestBody"/>), or the problem to answer instead.</summary>
    /// <param name="accepted">The media types the upload may be sent as; a request without a type is read by its content.</param>
    public static async Task<(byte[]? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, IReadOnlyList<string> accepted, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await RequestBody.ReadAsync(request, new BodyRules(accepted, MaxBytes, TooLarge), cancellationToken);
        if (unreadable is not null) return (null, unreadable);
        using var _ = body!;
        // An empty upload would silently clear the list; clearing it takes an explicit [] instead.
        if (Encoding.UTF8.GetString(body!.Bytes.Span).Trim(Blank).Length == 0)
            return (null, Problems.Of(StatusCodes.Status400BadRequest, "empty-body", "The body is empty",
                "Send the whole list. To clear it, send an empty JSON array: []."));
        return (body.Bytes.ToArray(), null);
    }

    public static string MediaType(HttpRequest request) => RequestBody.MediaTypeOf(request);

    public static bool LooksLikeJson(byte[] body) => Encoding.UTF8.GetString(body).TrimStart(Blank) is ['[' or '{', ..];

    public static ProblemHttpResult Invalid(string type, string title, string detail) =>
        Problems.Of(StatusCodes.Status400BadRequest, type, title, detail);

    /// <summary>400 listing the entries that cannot be stored (the first ones, when there are many), so the sender can fix them all at once.</summary>
    public static ProblemHttpResult Rejected(string type, string what, IReadOnlyList<RejectedEntry> rejected) =>
        Problems.Of(StatusCodes.Status400BadRequest, type, $"Some {what} cannot be stored",
            $"{rejected.Count} {what} were rejected, the first at {rejected[0].At} because {rejected[0].Reason}. Nothing was changed; see 'rejected'.",
            new Dictionary<string, object?> { ["rejected"] = rejected.Take(MaxListedRejections).ToList(), ["rejectedCount"] = rejected.Count });

    private static ProblemHttpResult TooLarge() =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, "body-too-large", "The body is too large",
            $"An admin upload may be at most {MaxBytes} bytes.", new Dictionary<string, object?> { ["maxBodyBytes"] = MaxBytes });
}
