using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.IdpReplay.Authentik;

/// <summary>reference/idps.md §8 scenarios 62–68: authentik's group sync.</summary>
public sealed class AuthentikGroupReplayTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    [Fact]
    public async Task S62_create_then_one_op_per_member()
    {
        var account = await factory.CreateAccountAsync();
        var u1 = await account.CreateUserAsync("ak1@x.com");
        var u2 = await account.CreateUserAsync("ak2@x.com");
        var body = await (
            await account.PostAsync(
                "/Groups",
                """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"ak-grp",
                "externalId":"3b5f4c8e-1a2b-4c3d-9e8f-0a1b2c3d4e5f"}
                """
            )
        ).AssertStatusAsync(HttpStatusCode.Created);
        var group = body["id"]!.GetValue<string>();
        var response = await account.PatchOpsAsync(
            $"/Groups/{group}",
            $$"""[{"op":"add","path":"members","value":[{"value":"{{u1}}"}]},{"op":"add","path":"members","value":[{"value":"{{u2}}"}]}]"""
        );
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(new[] { u1, u2 }.Order(StringComparer.Ordinal), await account.MemberValuesAsync(group));
    }

    [Fact]
    public async Task S63_pathless_replace_with_schemas_and_id_then_members_key_is_present()
    {
        var account = await factory.CreateAccountAsync();
        var group = await account.CreateGroupAsync("ak-grp");
        var response = await account.PatchOpsAsync(
            $"/Groups/{group}",
            $$"""
            [{"op":"replace","value":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"{{group}}","displayName":"ak-grp2",
            "externalId":"uuid-2"} } ]
            """
        );
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var body = await account.GetGroupAsync(group);
        Assert.Equal("ak-grp2", body["displayName"]!.GetValue<string>());
        Assert.NotNull(body["members"]);
        Assert.Empty(body["members"]!.AsArray());
    }

    [Fact]
    public async Task S64_S65_both_remove_shapes()
    {
        var account = await factory.CreateAccountAsync();
        var u1 = await account.CreateUserAsync("rm1@x.com");
        var u2 = await account.CreateUserAsync("rm2@x.com");
        var u3 = await account.CreateUserAsync("rm3@x.com");
        var group = await account.CreateGroupAsync("G3", u1, u2, u3);
        Assert.Equal(
            HttpStatusCode.NoContent,
            (
                await account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"remove","path":"members","value":[{"value":"{{u1}}"}]}]""")
            ).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"remove","path":"members[value eq \"{{u2}}\"]"}]""")).StatusCode
        );
        Assert.Equal([u3], await account.MemberValuesAsync(group));
    }

    [Fact]
    public async Task S66_put_fallback_with_members()
    {
        var account = await factory.CreateAccountAsync();
        var u1 = await account.CreateUserAsync("put1@x.com");
        var group = await account.CreateGroupAsync("G3");
        var body = await (
            await account.PutAsync(
                $"/Groups/{group}",
                $$"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"{{group}}","displayName":"G3","externalId":"uuid",
                "members":[{"value":"{{u1}}"}]}
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal([u1], body["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
        Assert.Equal("uuid", body["externalId"]!.GetValue<string>());
    }

    [Fact]
    public async Task S67_adding_an_existing_member_is_idempotent()
    {
        var account = await factory.CreateAccountAsync();
        var u1 = await account.CreateUserAsync("idem@x.com");
        var group = await account.CreateGroupAsync("Idem", u1);
        Assert.Equal(
            HttpStatusCode.NoContent,
            (
                await account.PatchOpsAsync(
                    $"/Groups/{group}",
                    $$"""[{"op":"add","path":"members","value":[{"value":"{{u1}}"},{"value":"{{u1}}"}]}]"""
                )
            ).StatusCode
        );
        Assert.Equal([u1], await account.MemberValuesAsync(group));
    }

    [Fact]
    public async Task S68_conflict_then_adopt_by_filter()
    {
        var account = await factory.CreateAccountAsync();
        var group = await account.CreateGroupAsync("ak-grp2");
        await (await account.PostAsync("/Groups", """{"displayName":"ak-grp2"}""")).AssertScimErrorAsync(
            HttpStatusCode.Conflict,
            "uniqueness"
        );
        var body = await (await account.GetAsync("/Groups?filter=displayName%20eq%20%22ak-grp2%22")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(group, body["Resources"]![0]!["id"]!.GetValue<string>());
    }
}
