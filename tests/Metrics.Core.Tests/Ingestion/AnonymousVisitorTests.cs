using System.Text;
using Metrics.Core.Ingestion;

namespace Metrics.Core.Tests.Ingestion;

public sealed class AnonymousVisitorTests
{
    private const string Site = "site_3k2";
    private const string Browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0";

    private static readonly byte[] Today = Encoding.UTF8.GetBytes("2026-11-22 salt");
    private static readonly byte[] Tomorrow = Encoding.UTF8.GetBytes("2026-11-23 salt");

    [Fact]
    public void Same_browser_on_the_same_day_is_the_same_visitor() =>
        Assert.Equal(AnonymousVisitor.Id(Today, Site, "203.0.113.77", Browser), AnonymousVisitor.Id(Today, Site, "203.0.113.77", Browser));

    [Fact]
    public void Same_browser_on_another_day_is_a_new_visitor() =>
        Assert.NotEqual(AnonymousVisitor.Id(Today, Site, "203.0.113.77", Browser), AnonymousVisitor.Id(Tomorrow, Site, "203.0.113.77", Browser));

    [Fact]
    public void Different_address_user_agent_or_site_is_a_different_visitor()
    {
        var visitor = AnonymousVisitor.Id(Today, Site, "203.0.113.77", Browser);

        Assert.NotEqual(visitor, AnonymousVisitor.Id(Today, Site, "203.0.113.78", Browser));
        Assert.NotEqual(visitor, AnonymousVisitor.Id(Today, Site, "203.0.113.77", Browser + " extra"));
        Assert.NotEqual(visitor, AnonymousVisitor.Id(Today, "site_other", "203.0.113.77", Browser));
    }

    [Fact]
    public void Every_address_of_a_network_is_a_distinct_visitor()
    {
        var ids = Enumerable.Range(0, 256).Select(host => AnonymousVisitor.Id(Today, Site, $"198.51.100.{host}", Browser));

        Assert.Equal(256, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("203.0.113.77")]
    [InlineData("2001:db8::ff00:42:8329")]
    public void Id_contains_no_part_of_the_ip_address(string address)
    {
        var id = AnonymousVisitor.Id(Today, Site, address, Browser);

        Assert.Matches("^anon-[0-9a-f]{24}$", id);
        Assert.DoesNotContain(address, id, StringComparison.Ordinal);
        Assert.All(address.Split('.', ':').Where(part => part.Length >= 2),
            part => Assert.DoesNotContain(part, id, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Missing_user_agent_still_gives_a_visitor_id() =>
        Assert.Matches("^anon-[0-9a-f]{24}$", AnonymousVisitor.Id(Today, Site, "203.0.113.77", null));
}
