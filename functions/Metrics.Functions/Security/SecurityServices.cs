namespace Metrics.Functions.Security;

/// <summary>Who may call what: keys and the platform principal (<c>Auth</c>, <c>ADMIN_GROUPS</c>), and each function's roles.</summary>
public static class SecurityServices
{
    public static IServiceCollection AddSecurity(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration("Auth")
            .Configure<IConfiguration>((auth, configuration) => auth.AdminGroups = configuration["ADMIN_GROUPS"] ?? auth.AdminGroups);
        services.AddSingleton<IngestKeys>();
        services.AddSingleton<CallerResolver>();
        services.AddSingleton<FunctionRoles>();
        return services;
    }
}
