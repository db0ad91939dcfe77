namespace Metrics.Functions.Tests.Operations;

/// <summary>One sample of a scrape: a series' name, its labels and its value.</summary>
internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
