namespace Metrics.Functions.Queries;

/// <summary>The query area's services: the functions read through the rollup engine (<c>AddRollups()</c>).</summary>
public static class QueryServices
{
    public static IServiceCollection AddQueries(this IServiceCollection services) =>
        services.AddSingleton<BreakdownQuery>().AddSingleton<OverviewQuery>().AddSingleton<QueryWindows>();
}
