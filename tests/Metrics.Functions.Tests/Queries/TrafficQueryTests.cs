using Metrics.Tests.Shared;
using Xunit.Abstractions;

namespace Metrics.Functions.Tests.Queries;

/// <summary>
/// Every query of docs/api.md over the same generated traffic, every number compared with an exact computation over the
/// events the response says it covers, in each storage state of <see cref="TrafficFixture"/>. One class, split by
/// query into partial files, so that the traffic is stored once for all of them.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class TrafficQueryTests(TrafficFixture fixture, ITestOutputHelper output) : IClassFixture<TrafficFixture>
{
    private List<SentRequest> RequestsIn(Window window) => fixture.Traffic.Requests.Where(window.Contains).ToList();

    private List<SentUsage> UsageIn(Window window) => fixture.Traffic.Usage.Where(window.Contains).ToList();

    private void ReportObservedErrors() => output.WriteLine(QueryAssert.Observed());
}
