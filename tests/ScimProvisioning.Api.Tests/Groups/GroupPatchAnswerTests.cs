using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Groups;

/// <summary>SPEC §3: PATCH /Groups/{id} answers 200 with the group in the Cloudflare profile (its OpenAPI declares it).</summary>
public sealed class CloudflareGroupPatchAnswerTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    [Fact]
    public async Task A_group_patch_answers_200_with_the_patched_group_and_its_members()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("cf-patch@example.com");
        var group = await account.CreateGroupAsync("Cloudflare Patch");
        var before = await account.GetGroupAsync(group);

        var response = await account.PatchOpsAsync(
            $"/Groups/{group}",
            $$"""[{"op":"add","path":"members","value":[{"value":"{{user}}"}]}]"""
        );

        var body = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(group, body["id"]!.GetValue<string>());
        Assert.Equal(user, Assert.Single(body["members"]!.AsArray())!["value"]!.GetValue<string>());
        Assert.NotEqual(before["meta"]!["lastModified"]!.GetValue<string>(), body["meta"]!["lastModified"]!.GetValue<string>());
        Assert.Equal((await account.GetGroupAsync(group)).ToJsonString(), body.ToJsonString());
    }
}

/// <summary>The Standard profile keeps 204 for a group PATCH unless attributes are asked for.</summary>
public sealed class StandardGroupPatchAnswerTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    [Fact]
    public async Task A_group_patch_answers_204_without_a_body()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("std-patch@example.com");
        var group = await account.CreateGroupAsync("Standard Patch");

        var response = await account.PatchOpsAsync(
            $"/Groups/{group}",
            $$"""[{"op":"add","path":"members","value":[{"value":"{{user}}"}]}]"""
        );

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
    }
}
