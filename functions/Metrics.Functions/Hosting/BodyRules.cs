using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Hosting;

/// <summary>What a function takes as a body: its media types, its byte cap, and the 413 to answer past it.</summary>
/// <param name="MediaTypes">Accepted types; <c>application/json</c> also admits any <c>+json</c> type. A request without a type is read as the first.</param>
/// <param name="Text">The body is text, held to UTF-8; false for a binary format (OTLP's protobuf).</param>
internal sealed record BodyRules(IReadOnlyList<string> MediaTypes, int MaxBytes, Func<ProblemHttpResult> TooLarge, bool Text = true);
