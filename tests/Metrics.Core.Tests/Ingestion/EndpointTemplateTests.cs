using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Ingestion;

namespace Metrics.Core.Tests.Ingestion;

public sealed class EndpointTemplateTests
{
    [Theory]
    [InlineData("/orders/123", "/orders/{id}")]
    [InlineData("/orders/0", "/orders/{id}")]
    [InlineData("/accounts/-42/balance", "/accounts/{id}/balance")]
    [InlineData("/prices/12.50", "/prices/{id}")]
    [InlineData("/orders/123/items/7", "/orders/{id}/items/{id}")]
    public void Numbers_become_id(string endpoint, string template) =>
        Assert.Equal(template, EndpointTemplate.Normalise(endpoint));

    [Theory]
    [InlineData("/users/3f2504e0-4f89-11d3-9a0c-0305e82c3301/orders", "/users/{id}/orders")]
    [InlineData("/users/3F2504E0-4F89-11D3-9A0C-0305E82C3301", "/users/{id}")]
    [InlineData("/users/3f2504e04f8911d39a0c0305e82c3301", "/users/{id}")]
    public void Guids_become_id(string endpoint, string template) =>
        Assert.Equal(template, EndpointTemplate.Normalise(endpoint));

    [Theory]
    [InlineData("/commits/9fceb02d0ae598e95dc970b74767f19372d61af8", "/commits/{id}")]
    [InlineData("/objects/507f1f77bcf86cd799439011", "/objects/{id}")]
    [InlineData("/blocks/0x1234567890ab", "/blocks/{id}")]
    [InlineData("/tags/deadbeefcafe", "/tags/{id}")]
    public void Hex_strings_of_12_characters_or_more_become_id(string endpoint, string template) =>
        Assert.Equal(template, EndpointTemplate.Normalise(endpoint));

    [Theory]
    [InlineData("/share/aZ3kP9_xQ-7mW2rT", "/share/{id}")]
    [InlineData("/invites/Zm9vYmFyYmF6cXV4MTIz/accept", "/invites/{id}/accept")]
    [InlineData("/sessions/eyJhbGciOiJIUzI1NiJ9.e30.abc", "/sessions/{id}")]
    public void Long_opaque_tokens_with_digits_become_id(string endpoint, string template) =>
        Assert.Equal(template, EndpointTemplate.Normalise(endpoint));

    [Theory]
    [InlineData("/users/jane.doe@example.com", "/users/{id}")]
    [InlineData("/users/jane@example.com/orders", "/users/{id}/orders")]
    public void Emails_become_id(string endpoint, string template) =>
        Assert.Equal(template, EndpointTemplate.Normalise(endpoint));

    [Theory]
    [InlineData("/api/orders/ord_bkpiaazpxs", "/api/orders/{id}")]
    [InlineData("/v1/customers/cus_qzxwvtrplmnk/invoices", "/v1/customers/{id}/invoices")]
    [InlineData("/users/usr-kqpdzmwxrtle", "/users/{id}")]
    [InlineData("/v1/payment_intents/pi_fjwkqlzbdmvxtr/confirm", "/v1/payment_intents/{id}/confirm")]
    [InlineData("/v1/customers/cus_NffrFeUfNVHibQ", "/v1/customers/{id}")]
    public void Ids_of_letters_only_after_a_type_prefix_become_id(string endpoint, string template) =>
        Assert.Equal(template, EndpointTemplate.Normalise(endpoint));

    [Theory]
    [InlineData("/api/orders")]
    [InlineData("/api/user_profile")]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/payment_intents")]
    [InlineData("/api/user_preferences")]
    [InlineData("/api/user_permissions")]
    [InlineData("/me/my_subscriptions")]
    [InlineData("/api/org_memberships")]
    [InlineData("/settings/sso_configuration")]
    [InlineData("/api/app_installations")]
    [InlineData("/rpc/get_transactions")]
    [InlineData("/rpc/list_notifications")]
    [InlineData("/auth/pre-authorization")]
    [InlineData("/me/my_bookmarks")]
    [InlineData("/api/add_to_cart")]
    [InlineData("/api/v2/orders")]
    [InlineData("/api/v10/orders")]
    [InlineData("/health")]
    [InlineData("/users/me/preferences")]
    [InlineData("/docs/getting-started-guide")]
    [InlineData("/tags/deadbeef")]
    [InlineData("/orders/{orderId}/items/{id}")]
    [InlineData("/api/orders/{id}")]
    [InlineData("/")]
    public void Words_versions_short_codes_and_existing_templates_are_kept(string endpoint) =>
        Assert.Equal(endpoint, EndpointTemplate.Normalise(endpoint));

    [Theory]
    [InlineData("https://api.example.com/orders/42?expand=items#top", "/orders/{id}")]
    [InlineData("http://localhost:5000/api/orders", "/api/orders")]
    [InlineData("https://api.example.com", "/")]
    [InlineData("https://api.example.com/", "/")]
    [InlineData("/search?q=123", "/search")]
    [InlineData("/orders?page=2&size=50", "/orders")]
    [InlineData("/docs#install", "/docs")]
    [InlineData("/orders/42?", "/orders/{id}")]
    public void Scheme_host_query_string_and_fragment_are_stripped(string endpoint, string template) =>
        Assert.Equal(template, EndpointTemplate.Normalise(endpoint));

    [Theory]
    [InlineData("/orders/", "/orders")]
    [InlineData("/orders/42/", "/orders/{id}")]
    [InlineData("//orders//42//", "/orders/{id}")]
    [InlineData("orders/42", "/orders/{id}")]
    [InlineData("", "/")]
    [InlineData("///", "/")]
    public void Trailing_double_and_missing_slashes_are_tidied(string endpoint, string template) =>
        Assert.Equal(template, EndpointTemplate.Normalise(endpoint));

    [Fact]
    public void Url_in_the_query_string_does_not_replace_the_path() =>
        Assert.Equal("/login", EndpointTemplate.Normalise("/login?returnUrl=https://app.example.com/dashboard"));

    [Fact]
    public void Normalising_is_idempotent_and_always_gives_a_path() =>
        Prop.ForAll(Endpoints, endpoint =>
        {
            var template = EndpointTemplate.Normalise(endpoint);
            return EndpointTemplate.Normalise(template) == template
                && template.StartsWith('/')
                && !template.Contains("//", StringComparison.Ordinal)
                && template.IndexOfAny(['?', '#']) < 0;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Every_segment_that_differs_only_by_its_number_gives_one_template() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).Two().ToArbitrary(), ids =>
            EndpointTemplate.Normalise($"/orders/{ids.Item1}/items") == EndpointTemplate.Normalise($"/orders/{ids.Item2}/items"))
        .QuickCheckThrowOnFailure();

    /// <summary>
    /// Paths built from the pieces the normaliser reacts to (ids, templates, schemes, separators), mixed with
    /// arbitrary strings.
    /// </summary>
    private static readonly Arbitrary<string> Endpoints = Gen.OneOf(
            Gen.Elements(
                    "orders", "v2", "{id}", "{orderId}", "123", "-4.5", "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
                    "0x1234567890ab", "aZ3kP9_xQ-7mW2rT", "jane@example.com", "https:", "http:", "", " ", "a b",
                    "{", "}", "{x", "x}", ".", "..", "~", "%2F", "é")
                .SelectMany(segment => Gen.Elements("/", "//", "?", "#", "://", "/?", "").Select(separator => segment + separator))
                .ListOf()
                .Select(parts => string.Concat(parts)),
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null))
        .ToArbitrary();
}
