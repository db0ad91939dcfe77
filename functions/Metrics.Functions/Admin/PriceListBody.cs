using Metrics.Core.Pricing;

namespace Metrics.Functions.Admin;

public sealed record PriceListBody(IReadOnlyList<ModelPrice> Prices);
