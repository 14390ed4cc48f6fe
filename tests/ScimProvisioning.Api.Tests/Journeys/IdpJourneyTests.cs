using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Permissions;

namespace ScimProvisioning.Api.Tests.Journeys;

/// <summary>
/// Whole journeys, one per IdP, with each IdP's own request shapes: assign a user → push a group → attach a policy in
/// the admin API → the member holds the role → remove it from the group → role gone, member stays → deprovision →
/// member gone.
/// </summary>
public sealed class IdpJourneyTests(CloudflareApiFactory cloudflare) : IClassFixture<CloudflareApiFactory>
{
    private static readonly string Administrator = PermissionGroupCatalog.IdFor("Administrator");

    private static async Task AttachAdministratorAsync(TestAccount account, string groupId)
    {
        var catalogue = await (await account.AdminGetAsync("/iam/permission_groups?name=Administrator&per_page=50")).ReadJsonAsync();
        var roleId = catalogue["result"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "Administrator")![
            "id"
        ]!.GetValue<string>();
        Assert.Equal(Administrator, roleId);
        await (
            await account.AdminPutAsync($"/iam/user_groups/{groupId}", $$"""{"policies":[{{account.AccountPolicy("allow", roleId)}}]}""")
        ).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Okta_assign_push_grant_unassign_from_group_deactivate()
    {
        var account = await cloudflare.CreateAccountAsync();
        var lookup = await (
            await account.GetAsync("/Users?filter=userName%20eq%20%22jane%40example.com%22&startIndex=1&count=100")
        ).ReadJsonAsync();
        Assert.Equal(0, lookup["totalResults"]!.GetValue<int>());
        var user = (
            await (
                await account.PostAsync(
                    "/Users",
                    """
                    {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"jane@example.com","name":{"givenName":"Jane",
                    "familyName":"Doe"},
                     "emails":[{"primary":true,"value":"jane@example.com","type":"work"}],"displayName":"Jane Doe","externalId":"00u1",
                     "groups":[],"active":true}
                    """
                )
            ).AssertStatusAsync(HttpStatusCode.Created)
        )["id"]!.GetValue<string>();
        Assert.Equal(["Minimal Account Access"], await account.EffectiveRolesAsync(user));

        var link = await (await account.GetAsync("/Groups?filter=displayName%20eq%20%22Cloudflare-Admins%22")).ReadJsonAsync();
        Assert.Equal(0, link["totalResults"]!.GetValue<int>());
        var group = (
            await (
                await account.PostAsync(
                    "/Groups",
                    """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Cloudflare-Admins","members":[]}"""
                )
            ).ReadJsonAsync()
        )["id"]!.GetValue<string>();
        Assert.Equal(
            HttpStatusCode.OK,
            (
                await account.PatchOpsAsync(
                    $"/Groups/{group}",
                    $$"""
                    [{"op":"replace","value":{"id":"{{group}}","displayName":"Cloudflare-Admins"} },{"op":"add","path":"members",
                    "value":[{"value":"{{user}}","display":"jane@example.com"}]}]
                    """
                )
            ).StatusCode
        );
        await AttachAdministratorAsync(account, group);
        Assert.Equal(["Administrator", "Minimal Account Access"], await account.EffectiveRolesAsync(user));
        Assert.Equal([group], (await account.GetUserAsync(user))["groups"]!.AsArray().Select(g => g!.GetValue<string>()));

        Assert.Equal(
            HttpStatusCode.OK,
            (await account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"remove","path":"members[value eq \"{{user}}\"]"}]""")).StatusCode
        );
        Assert.Equal(["Minimal Account Access"], await account.EffectiveRolesAsync(user));

        await (await account.PatchOpsAsync($"/Users/{user}", """[{"op":"replace","value":{"active":false}}]""")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        Assert.Null(await account.EffectiveRolesAsync(user));
    }

    [Fact]
    public async Task Entra_assign_push_grant_remove_from_group_disable()
    {
        var account = await cloudflare.CreateAccountAsync();
        var user = (
            await (
                await account.PostAsync(
                    "/Users",
                    """
                    {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                     "externalId":"6a3c","userName":"ada@example.com","active":true,"displayName":"Ada",
                     "emails":[{"primary":true,"type":"work","value":"ada@example.com"}],"meta":{"resourceType":"User"},"roles":[],
                     "name":{"formatted":"Ada L","familyName":"L","givenName":"Ada"}}
                    """,
                    "application/scim+json; charset=utf-8"
                )
            ).AssertStatusAsync(HttpStatusCode.Created)
        )["id"]!.GetValue<string>();

        var match = await (
            await account.GetAsync("/Groups?excludedAttributes=members&filter=displayName%20eq%20%22Cloudflare%20Admins%22")
        ).ReadJsonAsync();
        Assert.Equal(0, match["totalResults"]!.GetValue<int>());
        var group = (
            await (
                await account.PostAsync(
                    "/Groups",
                    """
                    {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group",
                    "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
                     "externalId":"9b1f","displayName":"Cloudflare Admins","meta":{"resourceType":"Group"}}
                    """
                )
            ).AssertStatusAsync(HttpStatusCode.Created)
        )["id"]!.GetValue<string>();
        Assert.Equal(
            HttpStatusCode.OK,
            (
                await account.PatchOpsAsync(
                    $"/Groups/{group}",
                    $$"""[{"op":"Add","path":"members","value":[{"$ref":null,"value":"{{user}}"}]}]"""
                )
            ).StatusCode
        );
        await AttachAdministratorAsync(account, group);
        Assert.Equal(["Administrator", "Minimal Account Access"], await account.EffectiveRolesAsync(user));

        Assert.Equal(
            HttpStatusCode.OK,
            (
                await account.PatchOpsAsync(
                    $"/Groups/{group}",
                    $$"""[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"{{user}}"}]}]"""
                )
            ).StatusCode
        );
        Assert.Equal(["Minimal Account Access"], await account.EffectiveRolesAsync(user));

        await (await account.PatchOpsAsync($"/Users/{user}", """[{"op":"Replace","path":"active","value":"False"}]""")).AssertStatusAsync(
            HttpStatusCode.OK
        );
        Assert.Null(await account.EffectiveRolesAsync(user));
        var stillVisible = await (await account.GetAsync("/Users?filter=userName%20eq%20%22ada%40example.com%22")).ReadJsonAsync();
        Assert.False(stillVisible["Resources"]![0]!["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Authentik_create_push_grant_remove_deprovision_by_put()
    {
        var account = await cloudflare.CreateAccountAsync();
        var userBody = """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob@example.com",
             "name":{"formatted":"Bob B","givenName":"Bob","familyName":"B"},"displayName":"Bob B","active":true,
             "emails":[{"value":"bob@example.com","type":"other","primary":true}],"externalId":"ak-uid"}
            """;
        var user = (await (await account.PostAsync("/Users", userBody)).AssertStatusAsync(HttpStatusCode.Created))[
            "id"
        ]!.GetValue<string>();
        var config = await (await account.GetAsync("/ServiceProviderConfig")).ReadJsonAsync();
        Assert.True(config["patch"]!["supported"]!.GetValue<bool>());

        var group = (
            await (
                await account.PostAsync(
                    "/Groups",
                    """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"ak-admins","externalId":"pk-1"}"""
                )
            ).ReadJsonAsync()
        )["id"]!.GetValue<string>();
        var current = await account.GetGroupAsync(group);
        Assert.Empty(current["members"]!.AsArray());
        Assert.Equal(
            HttpStatusCode.OK,
            (
                await account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"add","path":"members","value":[{"value":"{{user}}"}]}]""")
            ).StatusCode
        );
        await AttachAdministratorAsync(account, group);
        Assert.Equal(["Administrator", "Minimal Account Access"], await account.EffectiveRolesAsync(user));

        Assert.Equal(
            HttpStatusCode.OK,
            (
                await account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"remove","path":"members","value":[{"value":"{{user}}"}]}]""")
            ).StatusCode
        );
        Assert.Equal(["Minimal Account Access"], await account.EffectiveRolesAsync(user));

        await (
            await account.PutAsync($"/Users/{user}", userBody.Replace("\"active\":true", "\"active\":false", StringComparison.Ordinal))
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Null(await account.EffectiveRolesAsync(user));
    }
}
