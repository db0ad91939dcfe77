using Metrics.Core.Rollups;
using Metrics.Core.Sketches;

namespace Metrics.Core.Queries;

/// <summary>
/// One number for active users: the distinct users who made requests to a service or sent beacons signed in, counted once
/// each however many of both they did. Ids are compared as they are sent, so a service and the tracker must name a person
/// by the same user id to count them once. The union is a merge of the two distinct-count sketches, so it is exact while
/// the union holds at most <see cref="DistinctCountSketch.ExactLimit"/> users and an estimate beyond.
/// </summary>
/// <param name="RequestUsers">Distinct users of the requests (what the performance summary's <c>activeUsers</c> counts).</param>
/// <param name="SignedInVisitors">Distinct signed-in users of the beacons (what the usage summary's <c>activeUsers</c> counts).</param>
/// <param name="Count">Distinct users of either.</param>
/// <param name="Exact">Whether <paramref name="Count"/> is exact.</param>
/// <param name="ErrorBound">How far <paramref name="Count"/> may be from the true count, 95 times in 100: two standard errors of the
/// HyperLogLog estimate (<see cref="DistinctCountSketch.RelativeStandardError"/>), rounded up; 0 when exact.</param>
public sealed record ActiveUsers(long RequestUsers, long SignedInVisitors, long Count, bool Exact, long ErrorBound)
{
    /// <param name="requestSlices">Request slices with their user sketches, of the totals family, unfiltered.</param>
    /// <param name="usageSlices">Usage slices with their user sketches, of one usage family (every event is in each), every site.</param>
    public static ActiveUsers Of(IEnumerable<RollupSlice<RequestCell>> requestSlices, IEnumerable<RollupSlice<UsageCell>> usageSlices)
    {
        var requestUsers = Slices.Total(requestSlices).Users;
        var usageUsers = Slices.Total(usageSlices).Users;
        var union = new DistinctCountSketch();
        union.Merge(requestUsers);
        union.Merge(usageUsers);
        var count = union.Estimate();
        var bound = union.IsExact ? 0 : (long)Math.Ceiling(2 * DistinctCountSketch.RelativeStandardError * count);
        return new ActiveUsers(requestUsers.Estimate(), usageUsers.Estimate(), count, union.IsExact, bound);
    }
}
