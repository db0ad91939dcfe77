using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Metrics.Functions.Tests.Hosting;

/// <summary>
/// infra/main.bicep compiled by the real Bicep compiler, which checks every resource's properties against Azure's
/// published types and runs its linter: a misspelt property or a wrong type is a warning, and fails this test.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the package is the linux-x64 compiler
public sealed class InfraTemplateTests
{
    private static readonly string Template = Path.Combine(AppContext.BaseDirectory, "infra", "main.bicep");

    [Fact]
    public async Task The_template_compiles_without_a_diagnostic()
    {
        var (exitCode, _, diagnostics) = await BuildAsync();

        Assert.Equal("", diagnostics.Trim());
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task The_app_reaches_storage_with_its_identity_and_takes_keys_only_as_secure_parameters()
    {
        var template = JsonNode.Parse((await BuildAsync()).Template)!;
        var app = template["resources"]!["app"]!["properties"]!;
        var settings = (string)app["siteConfig"]!["appSettings"]!; // an ARM expression: concat(createArray(createObject('name', …

        Assert.Equal("dotnet-isolated", (string?)app["functionAppConfig"]!["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)app["functionAppConfig"]!["runtime"]!["version"]);
        foreach (var key in new[] { "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "Storage__AccountName", "AZURE_CLIENT_ID",
                     "Auth__AdminKeys", "Auth__FinanceKeys", "Ingest__Keys", "Auth__TrustPlatformPrincipal", "ADMIN_GROUPS" })
            Assert.Contains($"'{key}'", settings, StringComparison.Ordinal);
        Assert.DoesNotContain("'AzureWebJobsStorage'", settings, StringComparison.Ordinal); // no connection string: the account takes no keys
        Assert.False((bool)template["resources"]!["storage"]!["properties"]!["allowSharedKeyAccess"]!);
        foreach (var secret in new[] { "adminKeys", "financeKeys", "ingestKeys" })
            Assert.Equal("securestring", (string?)template["parameters"]![secret]!["type"]);
    }

    [Fact]
    public async Task Alerts_on_the_failures_that_need_a_person_are_sent_to_the_action_group()
    {
        var template = JsonNode.Parse((await BuildAsync()).Template)!;
        var resources = template["resources"]!.AsObject();
        var rules = AlertRules(resources);

        Assert.Equal(["ExportFailed", "IngestionUnavailable", "NightlyRunFailed", "NightlyRunMissing", "RowBudgetReached", "ServerErrorRate", "SourceFreshnessLag"],
            rules.Keys.Order(StringComparer.Ordinal));
        var group = resources["alertGroup"]!;
        Assert.Equal("Microsoft.Insights/actionGroups", (string?)group["type"]);
        Assert.Equal("[length(parameters('alertEmails'))]", (string?)group["properties"]!["copy"]![0]!["count"]); // one e-mail receiver each
        Assert.Contains("Microsoft.Insights/actionGroups", template["variables"]!["alertActions"]!.ToJsonString(), StringComparison.Ordinal);
        foreach (var (name, rule) in rules)
        {
            Assert.True((bool)rule["properties"]!["enabled"]!, name);
            Assert.Equal("[variables('alertActions')]", (string?)rule["properties"]!["actions"]);
            Assert.Contains("Microsoft.OperationalInsights/workspaces", rule["properties"]!["scopes"]!.ToJsonString(), StringComparison.Ordinal);
        }
        Assert.Contains("26h", rules["NightlyRunMissing"]["properties"]!["criteria"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("ALERT:", rules["RowBudgetReached"]["properties"]!["criteria"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_runbook_explains_every_alert_the_template_defines()
    {
        var resources = JsonNode.Parse((await BuildAsync()).Template)!["resources"]!.AsObject();
        var runbook = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "docs", "runbook.md"));

        foreach (var alert in AlertRules(resources).Keys)
            Assert.Contains($"## {alert}", runbook, StringComparison.Ordinal);
    }

    /// <summary>The template's log alert rules, by display name.</summary>
    private static Dictionary<string, JsonNode> AlertRules(JsonObject resources) => resources
        .Where(r => (string?)r.Value!["type"] == "Microsoft.Insights/scheduledQueryRules")
        .ToDictionary(r => (string)r.Value!["properties"]!["displayName"]!, r => r.Value!, StringComparer.Ordinal);

    private static async Task<(int ExitCode, string Template, string Diagnostics)> BuildAsync()
    {
        var start = new ProcessStartInfo(await BicepAsync(), ["build", Template, "--stdout"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var bicep = Process.Start(start)!;
        var output = bicep.StandardOutput.ReadToEndAsync();
        var errors = bicep.StandardError.ReadToEndAsync();
        await bicep.WaitForExitAsync();
        return (bicep.ExitCode, await output, await errors);
    }

    /// <summary>The compiler from the NuGet package; NuGet does not keep its executable bit, so a copy gets one.</summary>
    private static async Task<string> BicepAsync()
    {
        var packaged = typeof(InfraTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;
        var copy = Path.Combine(Path.GetTempPath(), "metrics-bicep-0.49.2", "bicep");
        if (!File.Exists(copy))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            var partial = copy + "." + Guid.NewGuid().ToString("N");
            await using (var source = File.OpenRead(packaged))
            await using (var target = File.Create(partial))
                await source.CopyToAsync(target);
            File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.Move(partial, copy, overwrite: true);
        }
        return copy;
    }
}
