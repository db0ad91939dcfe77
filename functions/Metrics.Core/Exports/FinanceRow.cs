namespace Metrics.Core.Exports;

/// <summary>
/// One row of a finance export: what one org used of one model at one price, and what it cost. A price change inside
/// the range gives the model a row per price, so every row's spend is exactly its units × its unit price.
/// </summary>
/// <param name="UnitPrice">Blank when no price was in force: those units cost nothing here, and the row says so.</param>
/// <param name="PriceFrom">The day the price came into force; blank for a price since always, or for no price.</param>
public sealed record FinanceRow(string Org, string Model, long Requests, long Units, decimal? UnitPrice, DateOnly? PriceFrom, decimal Spend);
