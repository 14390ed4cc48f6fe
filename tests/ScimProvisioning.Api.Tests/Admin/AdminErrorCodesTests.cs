using System.Net;
using ScimProvisioning.Api.Tests.Hardening;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Permissions;

namespace ScimProvisioning.Api.Tests.Admin;

/// <summary>
/// The admin API's error codes (docs/security.md): one code per kind of error on every endpoint. The routes come from
/// the application's endpoint table, so a new admin route is covered without anyone listing it.
/// </summary>
public sealed class AdminErrorCodesTests(CorpusFixture fixture) : IClassFixture<CorpusFixture>
{
    private const string Unknown = "0123456789abcdef0123456789abcdef";

    private List<(string Method, string Pattern)> AdminRoutes() =>
        RouteTable
            .Of(fixture.Factory.Services)
            .Where(r =>
                r.Pattern.StartsWith("/client/v4/accounts/{account_id}/", StringComparison.Ordinal)
                && !r.Pattern.Contains("/scim/v2", StringComparison.Ordinal)
            )
            .ToList();

    private string Fill(string pattern, string? unknownParameter)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["account_id"] = fixture.Account.AccountId,
            ["member_id"] = fixture.Ids["member"],
            ["user_group_id"] = fixture.Ids["usergroup"],
            ["permission_group_id"] = PermissionGroupCatalog.SuperAdministratorId,
            ["resource_group_id"] = fixture.Ids["resourcegroup"],
            ["token_id"] = fixture.Account.ScimTokenId,
            // Event routes read the body before they look anything up.
            ["receiver_id"] = "0123456789abcdef0123456789abcdef",
            ["delivery_id"] = "0123456789abcdef0123456789abcdef",
        };
        foreach (var (name, value) in ids)
        {
            pattern = pattern.Replace("{" + name + "}", name == unknownParameter ? Unknown : value, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("{", pattern, StringComparison.Ordinal);
        return pattern;
    }

    private static async Task<(int Status, int Code)> SendAsync(HttpClient client, string method, string path, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = TestAccount.Body(body, "application/json");
        }

        using var response = await client.SendAsync(request);
        var json = await response.ReadJsonAsync();
        Assert.False(json["success"]?.GetValue<bool>() ?? true, $"{method} {path}: {json}");
        return ((int)response.StatusCode, json["errors"]![0]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Every_admin_route_with_an_unknown_id_answers_404_with_code_1003()
    {
        var wrong = new List<string>();
        foreach (var (method, pattern) in AdminRoutes())
        {
            foreach (
                var parameter in new[] { "member_id", "user_group_id", "permission_group_id", "resource_group_id", "token_id" }.Where(p =>
                    pattern.Contains("{" + p + "}", StringComparison.Ordinal)
                )
            )
            {
                var body =
                    pattern.EndsWith("/members", StringComparison.Ordinal) && method != "GET" ? "[]"
                    : method is "POST" or "PUT" ? """{"name":"x","roles":[],"policies":[],"scope":{"key":"k","objects":[]}}"""
                    : null;
                var before = await DatabaseSnapshot.TakeAsync(fixture.Factory.Services);
                var (status, code) = await SendAsync(fixture.Account.Admin, method, Fill(pattern, parameter), body);
                if (status != 404 || code != 1003)
                {
                    wrong.Add($"{method} {pattern} with an unknown {parameter}: {status} code {code}");
                }

                if (!before.SequenceEqual(await DatabaseSnapshot.TakeAsync(fixture.Factory.Services)))
                {
                    wrong.Add($"{method} {pattern} with an unknown {parameter} changed the database");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public async Task Every_admin_write_with_a_body_that_is_not_json_answers_400_with_code_1001_and_a_wrong_media_type_1009()
    {
        var wrong = new List<string>();
        foreach (var (method, pattern) in AdminRoutes().Where(r => r.Method is "POST" or "PUT"))
        {
            var path = Fill(pattern, null);
            var (status, code) = await SendAsync(fixture.Account.Admin, method, path, "{\"name\":");
            if (status != 400 || code != 1001)
            {
                wrong.Add($"{method} {pattern} with broken JSON: {status} code {code}");
            }

            using var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = TestAccount.Body("name=x", "application/x-www-form-urlencoded"),
            };
            using var response = await fixture.Account.Admin.SendAsync(request);
            var json = await response.ReadJsonAsync();
            if ((int)response.StatusCode != 415 || json["errors"]?[0]?["code"]?.GetValue<int>() != 1009)
            {
                wrong.Add($"{method} {pattern} with a form body: {(int)response.StatusCode} {json}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public async Task Refusals_of_the_same_kind_carry_the_same_code_on_different_endpoints()
    {
        var account = fixture.Account;
        var (badPolicy, badPolicyCode) = await SendAsync(
            account.Admin,
            "PUT",
            $"{account.AdminBase}/members/{fixture.Ids["member"]}",
            """{"roles":"not-a-list"}"""
        );
        var (badGroup, badGroupCode) = await SendAsync(account.Admin, "POST", $"{account.AdminBase}/iam/user_groups", """{"name":""}""");
        var (taken, takenCode) = await SendAsync(
            account.Admin,
            "POST",
            $"{account.AdminBase}/iam/user_groups",
            """{"name":"Corpus Admin Group","policies":[]}"""
        );
        var (locked, lockedCode) = await SendAsync(
            account.Admin,
            "DELETE",
            $"{account.AdminBase}/iam/user_groups/{fixture.Ids["group"]}",
            null
        );

        Assert.Equal((400, 1002), (badPolicy, badPolicyCode));
        Assert.Equal((400, 1002), (badGroup, badGroupCode));
        Assert.Equal((409, 1004), (taken, takenCode));
        Assert.Equal((400, 1006), (locked, lockedCode));
    }
}

/// <summary>Answers the framework gives without a handler (no route, a route without that method) carry the envelope too.</summary>
public sealed class UnroutedRequestTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    [Theory]
    [InlineData("GET", "/members/x/nothing-here", 404, 1003)]
    [InlineData("PATCH", "/members", 405, 1011)]
    [InlineData("PATCH", "/tokens", 405, 1011)]
    [InlineData("GET", "/no-such-collection", 404, 1003)]
    public async Task An_unrouted_admin_request_gets_the_cloudflare_envelope(string method, string relative, int status, int code)
    {
        var account = await factory.CreateAccountAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), account.AdminBase + relative);

        using var response = await account.Admin.SendAsync(request);

        var body = await response.ReadJsonAsync();
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(body["success"]!.GetValue<bool>());
        Assert.Equal(code, body["errors"]![0]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_scim_path_without_that_method_gets_the_scim_fallbacks_404()
    {
        var account = await factory.CreateAccountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Patch, account.ScimBase + "/Users");

        using var response = await account.Scim.SendAsync(request);

        await response.AssertScimErrorAsync(HttpStatusCode.NotFound);
    }
}
