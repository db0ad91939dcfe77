namespace Metrics.Core.Queries;

/// <summary>Usage from one country: its events and distinct visitors (counted as the usage summary counts them).</summary>
/// <param name="Country">ISO 3166-1 alpha-2, from the trusted front end's header; <c>(none)</c> for events that came without one.</param>
public sealed record CountryUsage(string Country, long Events, long Visitors);
