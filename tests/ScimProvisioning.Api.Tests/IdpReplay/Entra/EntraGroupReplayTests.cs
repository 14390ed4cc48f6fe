using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.IdpReplay.Entra;

/// <summary>reference/idps.md §8 scenarios 5 and 52–61, 69–70: Entra groups, the validator and the Postman collection.</summary>
public sealed class EntraGroupReplayTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private const string EntraCreate = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group",
        "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
         "externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"Eng","meta":{"resourceType":"Group"}}
        """;

    [Fact]
    public async Task S05_test_connection_for_groups_is_an_empty_list()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (
            await account.GetAsync(
                "/Groups?excludedAttributes=members&filter="
                    + Uri.EscapeDataString("displayName eq \"5f1f5a79-0d3c-4a54-a7a6-0c7b1b0c9f9e\"")
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(0, body["totalResults"]!.GetValue<int>());
        Assert.Empty(body["Resources"]!.AsArray());
    }

    [Fact]
    public async Task S52_match_by_display_name_without_members()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("m@x.com");
        var id = await account.CreateGroupAsync("Eng", user);
        var body = await (
            await account.GetAsync("/Groups?excludedAttributes=members&filter=" + Uri.EscapeDataString("displayName eq \"eng\""))
        ).AssertStatusAsync(HttpStatusCode.OK);
        var group = Assert.Single(body["Resources"]!.AsArray())!;
        Assert.Equal(id, group["id"]!.GetValue<string>());
        Assert.Null(group["members"]);
    }

    [Fact]
    public async Task S53_create_with_microsofts_extra_schema_uri()
    {
        var account = await factory.CreateAccountAsync();
        var body = await (await account.PostAsync("/Groups", EntraCreate, "application/scim+json; charset=utf-8")).AssertStatusAsync(
            HttpStatusCode.Created
        );
        Assert.Equal("8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", body["externalId"]!.GetValue<string>());
        Assert.Empty(body["members"]!.AsArray());
    }

    [Fact]
    public async Task S54_S55_add_several_with_null_refs_then_remove_only_the_listed_one()
    {
        var account = await factory.CreateAccountAsync();
        var u1 = await account.CreateUserAsync("e1@x.com");
        var u2 = await account.CreateUserAsync("e2@x.com");
        var group = (await (await account.PostAsync("/Groups", EntraCreate)).ReadJsonAsync())["id"]!.GetValue<string>();

        var add = await account.PatchOpsAsync(
            $"/Groups/{group}",
            $$"""[{"op":"Add","path":"members","value":[{"$ref":null,"value":"{{u1}}"},{"$ref":null,"value":"{{u2}}"}]}]"""
        );
        Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);
        Assert.Equal(new[] { u1, u2 }.Order(StringComparer.Ordinal), await account.MemberValuesAsync(group));

        var remove = await account.PatchOpsAsync(
            $"/Groups/{group}",
            $$"""[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"{{u1}}"}]}]"""
        );
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        Assert.Equal([u2], await account.MemberValuesAsync(group));
    }

    [Fact]
    public async Task S56_flagged_remove_by_value_filter()
    {
        var account = await factory.CreateAccountAsync();
        var u1 = await account.CreateUserAsync("f1@x.com");
        var u2 = await account.CreateUserAsync("f2@x.com");
        var group = await account.CreateGroupAsync("Eng", u1, u2);
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"remove","path":"members[value eq \"{{u2}}\"]"}]""")).StatusCode
        );
        Assert.Equal([u1], await account.MemberValuesAsync(group));
    }

    [Fact]
    public async Task S57_rename_then_read_without_members()
    {
        var account = await factory.CreateAccountAsync();
        var group = await account.CreateGroupAsync("Eng");
        Assert.Equal(
            HttpStatusCode.NoContent,
            (
                await account.PatchOpsAsync($"/Groups/{group}", """[{"op":"Replace","path":"displayName","value":"Eng-renamed"}]""")
            ).StatusCode
        );
        var body = await account.GetGroupAsync(group, "?excludedAttributes=members");
        Assert.Equal("Eng-renamed", body["displayName"]!.GetValue<string>());
        Assert.Null(body["members"]);
    }

    [Fact]
    public async Task S58_pathless_external_id_replace()
    {
        var account = await factory.CreateAccountAsync();
        var group = await account.CreateGroupAsync("Ext");
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await account.PatchOpsAsync($"/Groups/{group}", """[{"op":"replace","value":{"externalId":"e2"}}]""")).StatusCode
        );
        Assert.Equal("e2", (await account.GetGroupAsync(group))["externalId"]!.GetValue<string>());
    }

    [Fact]
    public async Task S59_duplicate_group_in_any_case_is_409()
    {
        var account = await factory.CreateAccountAsync();
        await account.CreateGroupAsync("Validators");
        await (await account.PostAsync("/Groups", """{"displayName":"VALIDATORS"}""")).AssertScimErrorAsync(
            HttpStatusCode.Conflict,
            "uniqueness"
        );
    }

    [Fact]
    public async Task S60_delete_then_404_twice()
    {
        var account = await factory.CreateAccountAsync();
        var group = await account.CreateGroupAsync("Doomed");
        Assert.Equal(HttpStatusCode.NoContent, (await account.DeleteAsync($"/Groups/{group}")).StatusCode);
        await (await account.DeleteAsync($"/Groups/{group}")).AssertScimErrorAsync(HttpStatusCode.NotFound);
        await (await account.GetAsync($"/Groups/{group}")).AssertScimErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task S61_membership_query_by_id_and_members()
    {
        var account = await factory.CreateAccountAsync();
        var u1 = await account.CreateUserAsync("q1@x.com");
        var u2 = await account.CreateUserAsync("q2@x.com");
        var g2 = await account.CreateGroupAsync("G2", u1);
        var member = await (
            await account.GetAsync("/Groups?attributes=id&filter=" + Uri.EscapeDataString($"id eq \"{g2}\" and members eq \"{u1}\""))
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(g2, Assert.Single(member["Resources"]!.AsArray())!["id"]!.GetValue<string>());
        var nonMember = await (
            await account.GetAsync("/Groups?attributes=id&filter=" + Uri.EscapeDataString($"id eq \"{g2}\" and members eq \"{u2}\""))
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(0, nonMember["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task S69_postman_remove_all_members()
    {
        var account = await factory.CreateAccountAsync();
        var u1 = await account.CreateUserAsync("a1@x.com");
        var u2 = await account.CreateUserAsync("a2@x.com");
        var group = await account.CreateGroupAsync("G4", u1, u2);
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await account.PatchOpsAsync($"/Groups/{group}", """[{"op":"remove","path":"members"}]""")).StatusCode
        );
        Assert.Empty(await account.MemberValuesAsync(group));
        Assert.NotNull(await account.MemberIdOfAsync(u1)); // account membership is separate
    }

    [Fact]
    public async Task S70_postman_sloppy_add_with_extra_keys()
    {
        var account = await factory.CreateAccountAsync();
        var u1 = await account.CreateUserAsync("sloppy@x.com");
        var group = await account.CreateGroupAsync("G4");
        var response = await account.PatchOpsAsync(
            $"/Groups/{group}",
            $$"""[{"name":"addMember","op":"add","path":"members","value":[{"displayName":"new User","value":"{{u1}}"}]}]"""
        );
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal([u1], await account.MemberValuesAsync(group));
    }

    [Fact]
    public async Task Postman_plain_string_member_value_is_ignored_not_fatal()
    {
        var account = await factory.CreateAccountAsync();
        var group = await account.CreateGroupAsync("Garbage");
        var response = await account.PatchOpsAsync(
            $"/Groups/{group}",
            """[{"op":"add","path":"members","value":[{"value":"string id 1"}]}]"""
        );
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await account.MemberValuesAsync(group));
    }
}
