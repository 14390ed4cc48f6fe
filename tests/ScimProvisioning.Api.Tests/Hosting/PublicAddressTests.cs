using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Hosting;

/// <summary>
/// Behind a proxy, every URL the server emits names the address IdPs use: <c>Server:PublicBaseUrl</c> when set,
/// otherwise what a trusted proxy forwarded, and never what an untrusted peer claims. The routes checked are the SCIM
/// route table's own (every GET, and the writes that answer with a resource), so a new route is covered unasked.
/// </summary>
public sealed class PublicAddressTests
{
    private const string PublicBase = "https://scim.example.com/idp";

    /// <summary>The test server has no sockets; the peer address a request comes from is given by a test header.</summary>
    private sealed class PeerFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) =>
            app =>
            {
                app.Use(
                    (context, following) =>
                    {
                        context.Connection.RemoteIpAddress = IPAddress.Parse(
                            context.Request.Headers.TryGetValue("X-Test-Peer", out var peer) ? peer.ToString() : "198.51.100.7"
                        );
                        return following(context);
                    }
                );
                next(app);
            };
    }

    private sealed class ProxiedFactory(string? publicBaseUrl) : ScimApiFactory
    {
        protected override string Profile => "Standard";

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            base.Settings()
                .Append(new("Server:TrustedProxies", "10.1.2.3, 192.168.0.0/16"))
                .Concat(publicBaseUrl is null ? [] : [new KeyValuePair<string, string?>("Server:PublicBaseUrl", publicBaseUrl)]);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddTransient<IStartupFilter, PeerFromHeader>());
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, TestAccount account, string? peer, string? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", account.ScimToken);
        if (peer is not null)
        {
            request.Headers.Add("X-Test-Peer", peer);
        }

        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "forwarded.example.net");
        request.Headers.Add("X-Forwarded-Prefix", "/edge");
        request.Headers.Add("X-Forwarded-For", "203.0.113.50");
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/scim+json");
        }

        return request;
    }

    /// <summary>Every absolute URL in a response: the Location header and every JSON string that starts with http.</summary>
    private static async Task<List<string>> UrlsAsync(HttpResponseMessage response)
    {
        var urls = new List<string>();
        if (response.Headers.Location is { } location)
        {
            urls.Add(location.ToString());
        }

        var text = await response.Content.ReadAsStringAsync();
        if (text.Length > 0 && JsonNode.Parse(text) is { } json)
        {
            Collect(json, urls);
        }

        return urls;
    }

    private static void Collect(JsonNode node, List<string> urls)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, value) in o)
                {
                    if (value is not null)
                    {
                        Collect(value, urls);
                    }
                }

                break;
            case JsonArray a:
                foreach (var value in a.OfType<JsonNode>())
                {
                    Collect(value, urls);
                }

                break;
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String:
                var s = v.GetValue<string>();
                if (s.StartsWith("http://", StringComparison.Ordinal) || s.StartsWith("https://", StringComparison.Ordinal))
                {
                    urls.Add(s);
                }

                break;
        }
    }

    /// <summary>Each GET route of the SCIM route table, filled with a real user, group, resource type and schema.</summary>
    private static List<string> ScimGetPaths(ScimApiFactory factory, TestAccount account, string userId, string groupId)
    {
        var routes = RouteTable
            .Of(factory.Services)
            .Where(r => r.Method == "GET" && r.Pattern.Contains("/scim/v2", StringComparison.Ordinal))
            .Select(r => r.Pattern)
            .ToList();
        Assert.True(routes.Count >= 8, string.Join(", ", routes));
        return routes
            .Select(pattern =>
                pattern
                    .Replace("{account_id}", account.AccountId, StringComparison.Ordinal)
                    .Replace("/Users/{id}", $"/Users/{userId}", StringComparison.Ordinal)
                    .Replace("/Groups/{id}", $"/Groups/{groupId}", StringComparison.Ordinal)
                    .Replace("{name}", "User", StringComparison.Ordinal)
                    .Replace("{uri}", "urn:ietf:params:scim:schemas:core:2.0:User", StringComparison.Ordinal)
            )
            .ToList();
    }

    private static async Task<(string UserId, string GroupId, List<string> Urls)> ProvisionAsync(
        ScimApiFactory factory,
        TestAccount account,
        string? peer,
        string prefix = ""
    )
    {
        var client = factory.CreateClient();
        var urls = new List<string>();
        var user = await client.SendAsync(
            Request(HttpMethod.Post, prefix + account.ScimBase + "/Users", account, peer, """{"userName":"proxied@example.com"}""")
        );
        Assert.Equal(HttpStatusCode.Created, user.StatusCode);
        urls.AddRange(await UrlsAsync(user));
        var userId = JsonNode.Parse(await user.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var group = await client.SendAsync(
            Request(
                HttpMethod.Post,
                prefix + account.ScimBase + "/Groups",
                account,
                peer,
                $$"""{"displayName":"Proxied","members":[{"value":"{{userId}}"}]}"""
            )
        );
        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        urls.AddRange(await UrlsAsync(group));
        var groupId = JsonNode.Parse(await group.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var put = await client.SendAsync(
            Request(
                HttpMethod.Put,
                prefix + account.ScimBase + $"/Users/{userId}",
                account,
                peer,
                """{"userName":"proxied@example.com","active":true}"""
            )
        );
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        urls.AddRange(await UrlsAsync(put));
        foreach (var path in ScimGetPaths(factory, account, userId, groupId))
        {
            var response = await client.SendAsync(Request(HttpMethod.Get, prefix + path, account, peer));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
            urls.AddRange(await UrlsAsync(response));
        }

        return (userId, groupId, urls);
    }

    private static void AssertAllStartWith(string root, IReadOnlyCollection<string> urls, string accountId)
    {
        Assert.True(urls.Count >= 10, $"only {urls.Count} URLs were emitted");
        var own = urls.Where(u => u.Contains("/client/v4/", StringComparison.Ordinal)).ToList();
        // The others are documentation links (RFCs, Cloudflare's docs): never a host of this server or its proxies.
        Assert.All(urls.Except(own), url => Assert.DoesNotMatch("localhost|example\\.(com|net)", new Uri(url).Host));
        Assert.All(own, url => Assert.StartsWith($"{root}/client/v4/accounts/{accountId}/scim/v2/", url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_a_public_base_url_every_emitted_url_starts_with_it_whatever_the_headers_say()
    {
        await using var factory = new ProxiedFactory(PublicBase);
        var account = await factory.CreateAccountAsync();

        var (_, _, urls) = await ProvisionAsync(factory, account, peer: "10.1.2.3");

        AssertAllStartWith(PublicBase, urls, account.AccountId);
    }

    [Fact]
    public async Task With_a_public_base_url_that_has_a_path_the_server_also_answers_below_that_path()
    {
        await using var factory = new ProxiedFactory(PublicBase);
        var account = await factory.CreateAccountAsync();

        var (_, _, urls) = await ProvisionAsync(factory, account, peer: null, prefix: "/idp");

        AssertAllStartWith(PublicBase, urls, account.AccountId);
        var redirect = await factory.CreateClient(new() { AllowAutoRedirect = false }).GetAsync("/idp/dashboard");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal($"{PublicBase}/dashboard/", redirect.Headers.Location!.ToString());
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.40.9")]
    [InlineData("::ffff:10.1.2.3")]
    public async Task Forwarded_headers_from_a_trusted_proxy_name_the_public_scheme_host_and_prefix(string proxy)
    {
        await using var factory = new ProxiedFactory(null);
        var account = await factory.CreateAccountAsync();

        var (_, _, urls) = await ProvisionAsync(factory, account, proxy);

        AssertAllStartWith("https://forwarded.example.net/edge", urls, account.AccountId);
    }

    [Theory]
    [InlineData("198.51.100.7")]
    [InlineData("10.1.2.4")]
    [InlineData("192.169.0.1")]
    public async Task Forwarded_headers_from_any_other_peer_are_ignored(string peer)
    {
        await using var factory = new ProxiedFactory(null);
        var account = await factory.CreateAccountAsync();

        var (_, _, urls) = await ProvisionAsync(factory, account, peer);

        AssertAllStartWith("http://localhost", urls, account.AccountId);
    }

    [Fact]
    public async Task Without_trusted_proxies_forwarded_headers_are_ignored()
    {
        await using var factory = new StandardApiFactory();
        var account = await factory.CreateAccountAsync();
        using var request = Request(HttpMethod.Post, account.ScimBase + "/Users", account, null, """{"userName":"direct@example.com"}""");

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.StartsWith("http://localhost/client/v4/", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }
}
