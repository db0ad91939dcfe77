namespace Metrics.Core.Queries;

/// <param name="UniqueUsers">Distinct visitors: signed-in users, plus anonymous visitors when they are included.</param>
/// <param name="ActiveUsers">Distinct signed-in users.</param>
public sealed record UsageSummary(long Events, long UniqueUsers, long ActiveUsers);
