using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Permissions;

namespace ScimProvisioning.Api.Tests.Permissions;

/// <summary>SPEC §2 and §5: roles, scopes, policies on groups and members, effective permissions.</summary>
public sealed class PolicyTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private static readonly string Administrator = PermissionGroupCatalog.IdFor("Administrator");
    private static readonly string Dns = PermissionGroupCatalog.IdFor("DNS");
    private static readonly string DomainDns = PermissionGroupCatalog.IdFor("Domain DNS");
    private const string Zone = "com.cloudflare.api.account.zone.0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task The_catalogue_has_cloudflares_names_stable_ids_and_scopes()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (await account.AdminGetAsync("/iam/permission_groups?per_page=100")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(PermissionGroupCatalog.All.Count, body["result_info"]!["total_count"]!.GetValue<int>());
        var super = await (await account.AdminGetAsync("/iam/permission_groups/33666b9c79b9a5273fc7344ff42f953d")).ReadJsonAsync();
        Assert.Equal("Super Administrator - All Privileges", super["result"]!["name"]!.GetValue<string>());
        Assert.Equal("com.cloudflare.api.account", super["result"]!["meta"]!["scopes"]!.GetValue<string>());
        var domain = await (await account.AdminGetAsync($"/iam/permission_groups/{DomainDns}")).ReadJsonAsync();
        Assert.Equal("com.cloudflare.api.account.zone", domain["result"]!["meta"]!["scopes"]!.GetValue<string>());
        // Derived from the name, so the same on every install: pinned here so a change to the derivation is caught.
        var administrator = await (
            await account.AdminGetAsync("/iam/permission_groups/cb79d777d96b73dbf9cbd095dd65bb1a")
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("Administrator", administrator["result"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_role_that_does_not_fit_the_scope_is_refused_with_a_clear_error()
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.AdminPostAsync(
            "/iam/user_groups",
            $$"""
            {"name":"Zone admins","policies":[{"access":"allow","permission_groups":[{"id":"{{Dns}}"}],
             "resource_groups":[{"scope":{"key":"com.cloudflare.api.account.{{account.AccountId}}","objects":[{"key":"{{Zone}}"}]} }]}]}
            """
        );
        var body = await response.AssertStatusAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'DNS' is account-scoped", body["errors"]![0]!["message"]!.GetValue<string>());
        var none = await (await account.AdminGetAsync("/iam/user_groups?name=Zone%20admins")).ReadJsonAsync();
        Assert.Equal(0, none["result_info"]!["total_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Domain_policies_and_group_policies_coexist_with_direct_policies()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("multi@example.com");
        var member = await account.MemberIdOfAsync(user);
        var scope = await (
            await account.AdminPostAsync(
                "/iam/resource_groups",
                $$"""
                {"name":"one zone","scope":{"key":"com.cloudflare.api.account.{{account.AccountId}}","objects":[{"key":"{{Zone}}"}]} }
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        var scopeId = scope["result"]!["id"]!.GetValue<string>();
        await (
            await account.AdminPutAsync(
                $"/members/{member}",
                $$"""
                {"policies":[{"access":"allow","permission_groups":[{"id":"{{DomainDns}}"}],"resource_groups":[{"id":"{{scopeId}}"}]}]}
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        var group = await account.CreateGroupAsync("Admins", user);
        await (
            await account.AdminPutAsync(
                $"/iam/user_groups/{group}",
                $$"""{"policies":[{{account.AccountPolicy("allow", Administrator)}}]}"""
            )
        ).AssertStatusAsync(HttpStatusCode.OK);

        var body = await (await account.AdminGetAsync($"/members/{member}/effective_permissions")).ReadJsonAsync();
        var roles = body["result"]!["roles"]!.AsArray();
        var dns = roles.Single(r => r!["name"]!.GetValue<string>() == "Domain DNS")!;
        Assert.Equal(Zone, dns["scope"]!["objects"]![0]!["key"]!.GetValue<string>());
        Assert.Equal("direct_policy", dns["sources"]![0]!["type"]!.GetValue<string>());
        var admin = roles.Single(r => r!["name"]!.GetValue<string>() == "Administrator")!;
        Assert.Equal("group_policy", admin["sources"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(group, admin["sources"]![0]!["group_id"]!.GetValue<string>());
        Assert.Contains(roles, r => r!["name"]!.GetValue<string>() == "Minimal Account Access");
    }

    [Fact]
    public async Task A_deny_beats_an_allow_for_the_same_role()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("denied@example.com");
        var member = await account.MemberIdOfAsync(user);
        var allow = await account.CreateGroupAsync("Allow admins", user);
        await account.AdminPutAsync($"/iam/user_groups/{allow}", $$"""{"policies":[{{account.AccountPolicy("allow", Administrator)}}]}""");
        Assert.Contains("Administrator", (await account.EffectiveRolesAsync(user))!);

        await (
            await account.AdminPutAsync($"/members/{member}", $$"""{"policies":[{{account.AccountPolicy("deny", Administrator)}}]}""")
        ).AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(["Minimal Account Access"], await account.EffectiveRolesAsync(user));
    }

    [Fact]
    public async Task Several_roles_from_several_sources_list_every_source()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("sources@example.com");
        var member = await account.MemberIdOfAsync(user);
        await account.AdminPutAsync($"/members/{member}", $$"""{"roles":["{{Administrator}}"]}""");
        await account.PatchOpsAsync(
            $"/Groups/cloudflare-v1-{Administrator}",
            $$"""[{"op":"add","path":"members","value":[{"value":"{{user}}"}]}]"""
        );
        var body = await (await account.AdminGetAsync($"/members/{member}/effective_permissions")).ReadJsonAsync();
        var admin = body["result"]!["roles"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "Administrator")!;
        Assert.Equal(
            ["direct_policy", "system_group"],
            admin["sources"]!.AsArray().Select(s => s!["type"]!.GetValue<string>()).Order(StringComparer.Ordinal)
        );
    }

    [Theory]
    [InlineData("""{"policies":[{"access":"maybe","permission_groups":[{"id":"x"}],"resource_groups":[{"id":"y"}]}]}""")]
    [InlineData("""{"policies":[{"access":"allow","permission_groups":[],"resource_groups":[{"id":"y"}]}]}""")]
    [InlineData("""{"policies":[{"access":"allow","permission_groups":[{"id":"0000"}],"resource_groups":[{"id":"y"}]}]}""")]
    [InlineData(
        """{"policies":[{"access":"allow","permission_groups":[{"id":"33666b9c79b9a5273fc7344ff42f953d"}],"resource_groups":[]}]}"""
    )]
    [InlineData("""{"policies":"nope"}""")]
    [InlineData("""{"roles":[42]}""")]
    [InlineData("""{}""")]
    [InlineData("""{"roles":[""")]
    public async Task Bad_member_policy_bodies_are_400_in_the_envelope_and_change_nothing(string body)
    {
        var account = await factory.CreateAccountAsync();
        var owner = await account.OwnerUserIdAsync();
        var member = await account.MemberIdOfAsync(owner);
        var snapshot = await account.SnapshotAsync();

        var response = await account.AdminPutAsync($"/members/{member}", body);

        var json = await response.AssertStatusAsync(HttpStatusCode.BadRequest);
        Assert.False(json["success"]!.GetValue<bool>());
        Assert.NotEmpty(json["errors"]![0]!["message"]!.GetValue<string>());
        Assert.Equal(snapshot, await account.SnapshotAsync());
    }

    [Fact]
    public async Task A_member_added_the_traditional_way_is_also_a_scim_user()
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.AdminPostAsync("/members", $$"""{"email":"traditional@example.com","roles":["{{Administrator}}"]}""");
        var body = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("Administrator", body["result"]!["roles"]![0]!["name"]!.GetValue<string>());
        var users = await (await account.GetAsync("/Users?filter=userName%20eq%20%22traditional%40example.com%22")).ReadJsonAsync();
        Assert.Equal(body["result"]!["user"]!["id"]!.GetValue<string>(), users["Resources"]![0]!["id"]!.GetValue<string>());
    }
}
