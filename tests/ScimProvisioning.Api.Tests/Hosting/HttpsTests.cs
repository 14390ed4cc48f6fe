using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Hosting;

/// <summary>
/// HTTPS with real parts: Kestrel serving a certificate file itself, and Debian's nginx terminating TLS in front of
/// the server with the repository's own configuration (<c>deploy/nginx-scim-provisioning.conf</c>). Clients trust only
/// the throw-away certificate. The nginx test is skipped where nginx is not installed (<c>.ci/run</c> installs it).
/// </summary>
public sealed class HttpsTests : IDisposable
{
    private readonly ProcessSandbox sandbox = new("https");

    private Dictionary<string, string> Environment(params (string Key, string? Value)[] extra) => sandbox.Environment(extra);

    private static async Task<(HttpResponseMessage Response, JsonNode Body)> CreateUserAsync(
        HttpClient client,
        string scim,
        string userName
    )
    {
        var response = await client.PostAsync(
            scim + "/Users",
            new StringContent(
                $$"""{"userName":"{{userName}}","emails":[{"value":"{{userName}}","primary":true}]}""",
                Encoding.UTF8,
                "application/scim+json"
            )
        );
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task Kestrel_serves_https_from_a_certificate_file_and_names_https_in_every_location()
    {
        var certificate = ThrowAwayCertificate.Create(sandbox.Directory, "localhost");
        var bootstrap = JsonNode.Parse(await ServerProcesses.RunVerbAsync(Environment(), "bootstrap", "--json"))!;
        var account = bootstrap["accountId"]!.GetValue<string>();
        var port = ServerProcesses.FreePort();
        var server = ServerProcesses.Start(
            Environment(
                ("Kestrel__Endpoints__Https__Url", $"https://127.0.0.1:{port}"),
                ("Kestrel__Endpoints__Https__Certificate__Path", certificate.CertificatePath),
                ("Kestrel__Endpoints__Https__Certificate__KeyPath", certificate.KeyPath)
            ),
            []
        );
        sandbox.Track(server);
        ServerProcesses.Drain(server, null);
        using var client = certificate.Client("localhost", port);
        await ServerProcesses.WaitReadyAsync(server, client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bootstrap["scimToken"]!.GetValue<string>());

        var (response, body) = await CreateUserAsync(client, $"/client/v4/accounts/{account}/scim/v2", "tls@example.com");

        var expected = $"https://localhost:{port}/client/v4/accounts/{account}/scim/v2/Users/";
        Assert.StartsWith(expected, response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.StartsWith(expected, body["meta"]!["location"]!.GetValue<string>(), StringComparison.Ordinal);
        // A client with the system's trust store refuses the throw-away certificate: the TLS above was checked.
        using var untrusting = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync($"https://localhost:{port}/health/live"));
    }

    [SkippableFact]
    public async Task Behind_nginx_every_location_names_the_public_https_address_and_forwarded_headers_from_others_are_ignored()
    {
        Skip.IfNot(NginxProcess.Installed, $"{NginxProcess.Binary} is not installed (apt-get install nginx-light); .ci/run installs it");
        var certificate = ThrowAwayCertificate.Create(sandbox.Directory, "scim.test");
        var settings = Environment(("Server__TrustedProxies", "127.0.0.1"));
        var bootstrap = JsonNode.Parse(await ServerProcesses.RunVerbAsync(settings, "bootstrap", "--json"))!;
        var account = bootstrap["accountId"]!.GetValue<string>();
        var token = new AuthenticationHeaderValue("Bearer", bootstrap["scimToken"]!.GetValue<string>());
        var (server, direct) = await ServerProcesses.StartServerAsync(settings);
        sandbox.Track(server);
        var serverPort = direct.BaseAddress!.Port;
        var nginxPort = ServerProcesses.FreePort();
        using var nginx = await NginxProcess.StartAsync(sandbox.Directory, ServerBlock(certificate, nginxPort, serverPort), nginxPort);
        using var idp = certificate.Client("scim.test", nginxPort);
        idp.DefaultRequestHeaders.Authorization = token;
        var scim = $"/client/v4/accounts/{account}/scim/v2";

        var (created, body) = await CreateUserAsync(idp, scim, "proxied@example.com");

        var location = created.Headers.Location!.ToString();
        Assert.StartsWith($"https://scim.test:{nginxPort}{scim}/Users/", location, StringComparison.Ordinal);
        Assert.Equal(location, body["meta"]!["location"]!.GetValue<string>());
        var again = await idp.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var listed = JsonNode.Parse(
            await (await idp.GetAsync(scim + "/Users?filter=userName%20eq%20%22proxied@example.com%22")).Content.ReadAsStringAsync()
        )!;
        Assert.Equal(location, listed["Resources"]![0]!["meta"]!["location"]!.GetValue<string>());

        // The same claims sent straight to the server from another address (not the proxy) change nothing.
        using var stranger = ThrowAwayCertificate.ClientFrom(IPAddress.Parse("127.0.0.3"), serverPort);
        stranger.DefaultRequestHeaders.Authorization = token;
        stranger.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        stranger.DefaultRequestHeaders.Add("X-Forwarded-Host", "evil.example");
        stranger.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.66");
        var (forged, forgedBody) = await CreateUserAsync(stranger, scim, "stranger@example.com");
        Assert.StartsWith($"http://127.0.0.1:{serverPort}{scim}/Users/", forged.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.StartsWith(
            $"http://127.0.0.1:{serverPort}{scim}/Users/",
            forgedBody["meta"]!["location"]!.GetValue<string>(),
            StringComparison.Ordinal
        );
        Assert.DoesNotContain("[emerg]", nginx.ErrorLog(), StringComparison.Ordinal);
    }

    /// <summary>The repository's nginx server block, with this test's name, certificate and ports.</summary>
    private static string ServerBlock(ThrowAwayCertificate certificate, int nginxPort, int serverPort)
    {
        var sample = File.ReadAllText(Path.Combine(RouteTable.RepositoryRoot(), "deploy", "nginx-scim-provisioning.conf"));
        var block = sample;
        block = Replace(block, @"^\s*listen \[::\]:443 ssl http2;\n", "");
        block = Replace(block, @"listen 443 ssl http2;", $"listen 127.0.0.1:{nginxPort} ssl http2;");
        block = Replace(block, @"server_name scim\.example\.com;", "server_name scim.test;");
        block = Replace(
            block,
            @"ssl_certificate\s+/etc/ssl/certs/scim\.example\.com\.pem;",
            $"ssl_certificate {certificate.CertificatePath};"
        );
        block = Replace(
            block,
            @"ssl_certificate_key /etc/ssl/private/scim\.example\.com\.key;",
            $"ssl_certificate_key {certificate.KeyPath};"
        );
        block = Replace(block, @"proxy_pass http://127\.0\.0\.1:8080;", $"proxy_pass http://127.0.0.1:{serverPort};");
        return block;
    }

    /// <summary>Each rewrite must find its line: a changed sample fails here instead of testing something else.</summary>
    private static string Replace(string text, string pattern, string replacement)
    {
        var regex = new Regex(pattern, RegexOptions.Multiline);
        Assert.True(regex.IsMatch(text), $"deploy/nginx-scim-provisioning.conf no longer has /{pattern}/");
        return regex.Replace(text, replacement);
    }

    public void Dispose() => sandbox.Dispose();
}
