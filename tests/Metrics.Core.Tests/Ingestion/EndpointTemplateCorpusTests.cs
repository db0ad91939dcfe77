using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Ingestion;

namespace Metrics.Core.Tests.Ingestion;

/// <summary>
/// Real-world-shaped paths: route templates services have, each filled with each kind of id real services use, must
/// come back as their template; paths made of words must come back as they are.
/// </summary>
public sealed class EndpointTemplateCorpusTests
{
    private static readonly string[] Templates =
    [
        "/api/products/{id}/reviews", "/users/{id}/profile", "/orders/{id}", "/api/v2/orders/{id}/items/{id}", "/carts/{id}",
        "/invoices/{id}/pdf", "/shipments/{id}/tracking", "/api/v1/customers/{id}/addresses/{id}", "/blog/{id}", "/files/{id}/download",
        "/sessions/{id}", "/reports/{id}/export", "/api/oauth2/clients/{id}/secrets", "/media/h264/{id}", "/en-US/products/{id}",
        "/repos/{id}/commits/{id}", "/api/tenants/{id}/users/{id}/roles", "/webhooks/{id}/deliveries/{id}", "/s3/buckets/{id}/objects/{id}",
        "/api/v1.2/accounts/{id}", "/i18n/strings/{id}", "/k8s/pods/{id}/logs", "/checkout/{id}/2fa", "/api/payments/{id}/refunds",
        "/teams/{id}/members/{id}", "/projects/{id}/issues/{id}/comments", "/graphql/{id}", "/subscriptions/{id}/cancel", "/tickets/{id}",
        "/api/v3/search/{id}", "/downloads/{id}.zip", "/share/{id}", "/invites/{id}/accept", "/devices/{id}/telemetry", "/stores/{id}/inventory",
        "/hotels/{id}/rooms/{id}/availability", "/flights/{id}/seats", "/courses/{id}/lessons/{id}", "/api/ipv6/prefixes/{id}", "/u/{id}",
    ];

    /// <summary>The ids real services put in paths, one of each kind per template.</summary>
    private static readonly string[] Ids =
    [
        "12345", "SKU-48213", "u-0042", "ORD-2024-00042", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "aZ3kP9xQ7mW2", "2026-11-30", "jane.doe@example.com", "9fceb02d0ae598e95dc970b74767f19372d61af8", "iphone-15-pro-max",
        "Zm9vYmFyYmF6cXV4MTIz", "a1b2c3", "INV_2026_000917", "cus_NffrFeUfNV2Hib", "tok9X2k",
        // Base62 ids that drew no digit (seen in a realistic run: about 2 % of 22-character ids).
        "EootpmWbphIzTJaaZCTPtY", "LTOGyuIEFRSPKlYJMqhFVl",
        // Short ones that drew no digit and whose case flips seldom (seen in the stream benchmark).
        "benpdijvqqdD", "qzTrelnwaxpo",
        // A type prefix and lower-case letters alone (Stripe-style ids from a lower-case alphabet).
        "ord_bkpiaazpxs", "usr-kqpdzmwxrtle",
    ];

    public static TheoryData<string, string> FilledTemplates()
    {
        var data = new TheoryData<string, string>();
        foreach (var template in Templates)
            foreach (var id in Ids)
                data.Add(template.Replace("{id}", id, StringComparison.Ordinal), template.Replace("{id}.zip", "{id}", StringComparison.Ordinal));
        return data;
    }

    [Theory]
    [MemberData(nameof(FilledTemplates))]
    public void A_path_with_an_id_comes_back_as_its_route_template(string path, string template) =>
        Assert.Equal(template, EndpointTemplate.Normalise(path));

    [Theory]
    [InlineData("/api/v1/orders")]
    [InlineData("/api/v2/users/me")]
    [InlineData("/api/v10/search")]
    [InlineData("/api-v2/health")]
    [InlineData("/v1.2/status")]
    [InlineData("/oauth2/token")]
    [InlineData("/oauth2/authorize")]
    [InlineData("/media/h264/streams")]
    [InlineData("/media/mp4")]
    [InlineData("/i18n/en-US/strings")]
    [InlineData("/k8s/pods")]
    [InlineData("/l10n/fr-FR")]
    [InlineData("/a11y/report")]
    [InlineData("/checkout/2fa/verify")]
    [InlineData("/crypto/sha256/digest")]
    [InlineData("/encode/base64")]
    [InlineData("/net/ipv6/routes")]
    [InlineData("/aws/ec2/instances")]
    [InlineData("/aws/s3/buckets")]
    [InlineData("/http2/push")]
    [InlineData("/web3/wallets")]
    [InlineData("/render/3d")]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/health")]
    [InlineData("/healthz")]
    [InlineData("/metrics")]
    [InlineData("/favicon.ico")]
    [InlineData("/static/js/main.js")]
    [InlineData("/assets/logo@2x.png")]
    [InlineData("/docs/getting-started-guide")]
    [InlineData("/blog/how-we-scaled-our-api")]
    [InlineData("/en-US/pricing")]
    [InlineData("/zh-Hant/help")]
    [InlineData("/api/orders/search")]
    [InlineData("/api/orders/{orderId}/items")]
    [InlineData("/graphql")]
    [InlineData("/webhooks/stripe")]
    [InlineData("/users/me/preferences")]
    [InlineData("/admin/featureFlags")]
    [InlineData("/api/camelCaseRoute/listAll")]
    [InlineData("/rpc/getUserProfileSettings")]
    [InlineData("/rpc/listAllOrdersByCustomer")]
    [InlineData("/rpc/parseJSONToXMLDocument")]
    [InlineData("/api/XMLHttpRequest/OAuthCallbackHandler")]
    [InlineData("/rpc/AddOrUpdate")]
    [InlineData("/rpc/GetAllKeys")]
    [InlineData("/api/BookkeepingReport")]
    [InlineData("/devices/VacuumCleaner/status")]
    [InlineData("/transit/SubwayStations")]
    [InlineData("/currencies/yuan/rates")]
    [InlineData("/de/einstellungen/zahlungsarten")]
    [InlineData("/es/pedidos/devoluciones")]
    [InlineData("/accounts/forgot_password")]
    [InlineData("/api/user_profile")]
    [InlineData("/api/user_preferences")]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/payment_intents")]
    [InlineData("/Products/Details")]
    [InlineData("/api/utf8/check")]
    [InlineData("/x/y/z")]
    public void A_path_of_words_versions_and_named_numbers_is_kept(string path) =>
        Assert.Equal(path, EndpointTemplate.Normalise(path));

    /// <summary>However many different ids arrive, the templates are as many as the routes.</summary>
    [Fact]
    public void Distinct_templates_do_not_grow_with_the_number_of_ids() =>
        Prop.ForAll(Gen.Choose(1, 400).ToArbitrary(), ArbMap.Default.GeneratorFor<int>().ToArbitrary(), (count, seed) =>
        {
            var random = new Random(seed);
            var templates = Enumerable.Range(0, count)
                .Select(_ => Templates[random.Next(Templates.Length)].Replace("{id}", RandomId(random), StringComparison.Ordinal))
                .Select(EndpointTemplate.Normalise)
                .Distinct()
                .Count();
            return templates <= Templates.Length;
        }).QuickCheckThrowOnFailure();

    /// <summary>
    /// A 128-bit base62 id (22 characters) draws no digit about 2 % of the time. Letters alone cannot always tell such
    /// an id from a camelCase name, so this is a rate, not a rule: at least 90 % of them must become {id} (the
    /// per-service endpoint limit catches the rest). The seed is fixed: the rate measured is this test's, every run.
    /// </summary>
    [Fact]
    public void Most_ids_of_letters_alone_become_id()
    {
        var random = new Random(20261201);
        const string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var ids = Enumerable.Range(0, 10_000).Select(_ => new string(Enumerable.Range(0, 22).Select(_ => letters[random.Next(letters.Length)]).ToArray()));

        var recognised = ids.Count(id => EndpointTemplate.Normalise($"/brands/{id}") == "/brands/{id}");

        Assert.True(recognised >= 9_000, $"{recognised} of 10,000 letter-only ids recognised");
    }

    /// <summary>
    /// Short base62 ids (12 characters, as many URL shorteners and order ids use) draw no digit about 12 % of the time;
    /// of all of them at least 99 % must become {id}. Found by the stream benchmark, where 4.5 % stayed and made a
    /// 100 KB performance answer (then 1.95 %, now about 0.7 %); the seed is fixed.
    /// </summary>
    [Fact]
    public void Nearly_all_short_base62_ids_become_id()
    {
        var random = new Random(20261202);
        const string base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var ids = Enumerable.Range(0, 10_000).Select(_ => new string(Enumerable.Range(0, 12).Select(_ => base62[random.Next(base62.Length)]).ToArray()));

        var recognised = ids.Count(id => EndpointTemplate.Normalise($"/api/orders/{id}/items") == "/api/orders/{id}/items");

        Assert.True(recognised >= 9_900, $"{recognised} of 10,000 short base62 ids recognised");
    }

    /// <summary>
    /// Ids of a type prefix and 10 to 16 random lower-case letters: at least 99 % of them must become {id} (measured
    /// 0.7 % missed at 10 letters, 0.08 % at 16; the per-service endpoint limit catches the rest). The seed is fixed.
    /// </summary>
    [Fact]
    public void Nearly_all_prefixed_lower_case_ids_become_id()
    {
        var random = new Random(20261207);
        var ids = Enumerable.Range(0, 10_000).Select(_ => PrefixedLowerCaseId(random)).ToList();

        var recognised = ids.Count(id => EndpointTemplate.Normalise($"/v1/customers/{id}/invoices") == "/v1/customers/{id}/invoices");

        Assert.True(recognised >= 9_900, $"{recognised} of 10,000 prefixed lower-case ids recognised");
    }

    /// <summary>
    /// A service's traffic: 16 route shapes, some without an id (words with underscores, versions, nested words), the
    /// others filled with every kind of id, prefixed lower-case ids among them, 20 requests a shape on average.
    /// Every shape must come back as one template: as many templates as shapes. The seed is fixed.
    /// </summary>
    [Fact]
    public void Realistic_traffic_of_16_route_shapes_gives_16_templates()
    {
        string[] shapes =
        [
            "/api/orders", "/api/orders/{id}", "/api/orders/{id}/items", "/api/user_profile", "/v1/chat/completions",
            "/v1/customers/{id}", "/v1/customers/{id}/invoices", "/v1/payment_intents/{id}/confirm", "/api/users/{id}/user_preferences",
            "/api/products/{id}/reviews", "/api/carts/{id}", "/v1/subscriptions/{id}/cancel", "/api/files/{id}/download",
            "/api/search", "/api/v2/teams/{id}/members/{id}", "/webhooks/stripe",
        ];
        var random = new Random(20261207);
        var paths = Enumerable.Range(0, 20 * shapes.Length).Select(_ =>
        {
            var shape = shapes[random.Next(shapes.Length)];
            while (shape.Contains("{id}", StringComparison.Ordinal))
            {
                var at = shape.IndexOf("{id}", StringComparison.Ordinal);
                shape = shape[..at] + (random.Next(3) == 0 ? PrefixedLowerCaseId(random) : RandomId(random)) + shape[(at + 4)..];
            }
            return shape;
        }).ToList();

        var templates = paths.Select(EndpointTemplate.Normalise).Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.Equal(shapes.Order(StringComparer.Ordinal), templates);
    }

    /// <summary>A type prefix (ord_, cus_, usr-, …) and 10 to 16 random lower-case letters.</summary>
    private static string PrefixedLowerCaseId(Random random)
    {
        string[] prefixes = ["ord_", "cus_", "usr-", "pi_", "sub_", "txn-", "acct_", "inv_"];
        var letters = Enumerable.Range(0, random.Next(10, 17)).Select(_ => (char)('a' + random.Next(26)));
        return prefixes[random.Next(prefixes.Length)] + string.Concat(letters);
    }

    /// <summary>An id of a kind real services use, with random content.</summary>
    private static string RandomId(Random random)
    {
        const string base62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        const string crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        string Pick(string alphabet, int length) => new(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
        return random.Next(10) switch
        {
            0 => random.Next(1, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
            1 => $"SKU-{random.Next(1000, 99999)}",
            2 => $"u-{random.Next(0, 9999):D4}",
            3 => Guid.NewGuid().ToString(random.Next(2) == 0 ? "D" : "N"),
            4 => Pick(crockford, 26),
            5 => Pick(base62, 8) + random.Next(10, 99),
            6 => DateOnly.FromDayNumber(random.Next(700_000, 750_000)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            7 => $"{Pick("abcdefghij", 5)}@example.com",
            8 => $"{Pick("abcdefghij", 6)}-{random.Next(10, 9999)}-{Pick("abcdefghij", 4)}",
            _ => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
        };
    }
}
