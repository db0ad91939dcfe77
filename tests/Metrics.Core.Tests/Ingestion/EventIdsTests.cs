using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Ingestion;

namespace Metrics.Core.Tests.Ingestion;

public sealed class EventIdsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 15, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0f8c-42")]
    [InlineData("evt_1.2:3~x=y")]
    [InlineData("h-952dbe16e61d9db9c242c17b39f61982")]
    [InlineData("ünïcødé-id")]
    public void Key_safe_id_passes(string id) => Assert.Null(EventIds.Check(id));

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0000b")]
    [InlineData("a\u001fb")]
    [InlineData("a\u007fb")]
    [InlineData("\tab")]
    public void Id_with_a_character_that_table_keys_forbid_is_refused(string id) =>
        Assert.Equal((RejectionCode.InvalidValue, "id may not contain / \\ # ? or control characters"), EventIds.Check(id)!.Value);

    [Fact]
    public void Id_over_128_characters_is_refused_and_128_passes()
    {
        Assert.Equal((RejectionCode.TooLong, "id is longer than 128 characters"), EventIds.Check(new string('a', 129))!.Value);
        Assert.Null(EventIds.Check(new string('a', 128)));
    }

    [Fact]
    public void Derived_id_is_pinned_so_retries_after_a_deployment_stay_duplicates() =>
        Assert.Equal("h-952dbe16e61d9db9c242c17b39f61982", EventIds.Derive("orders-api", At, "/orders/{id}", "GET", 200, 12.7));

    [Fact]
    public void Derived_id_is_deterministic_key_safe_and_short() =>
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), ArbMap.Default.ArbFor<int>(), (text, number) =>
        {
            var id = EventIds.Derive(text, number, At);
            return id == EventIds.Derive(text, number, At)
                && id.Length == 34
                && id.StartsWith("h-", StringComparison.Ordinal)
                && EventIds.Check(id) is null;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Derived_id_is_the_same_for_one_instant_at_any_offset() =>
        Assert.Equal(EventIds.Derive(At), EventIds.Derive(At.ToOffset(TimeSpan.FromHours(2))));

    [Fact]
    public void Derived_id_does_not_depend_on_the_current_culture()
    {
        var before = CultureInfo.CurrentCulture;
        var invariant = EventIds.Derive(12.7, 1_532L, At);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal(invariant, EventIds.Derive(12.7, 1_532L, At));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void Derived_id_differs_when_parts_move_between_fields()
    {
        Assert.NotEqual(EventIds.Derive("ab", "c"), EventIds.Derive("a", "bc"));
        Assert.NotEqual(EventIds.Derive("a", "b"), EventIds.Derive("b", "a"));
        Assert.NotEqual(EventIds.Derive("a", null), EventIds.Derive(null, "a"));
        Assert.NotEqual(EventIds.Derive("a"), EventIds.Derive("a", null));
    }

    [Fact]
    public void Derived_id_differs_for_different_content() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), ArbMap.Default.ArbFor<int>(), (a, b) =>
            (EventIds.Derive("orders-api", a) == EventIds.Derive("orders-api", b)) == (a == b))
        .QuickCheckThrowOnFailure();
}
