using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Users;

/// <summary>
/// Issue 13: a PUT or PATCH that changes nothing keeps meta.version and meta.lastModified (ETags stay valid), and
/// values the client set explicitly come back as sent.
/// </summary>
public sealed class UnchangedWriteTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private const string Full = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "userName":"same@example.com","externalId":"ext-1","name":{"givenName":"Sam","familyName":"Same"},"title":"Engineer",
         "emails":[{"value":"same@example.com","type":"work","primary":true},{"value":"other@example.com","type":"home","primary":false},
         {"value":"third@example.com","type":"other"}],
         "phoneNumbers":[{"value":"+1 555 0100","type":"work","primary":false}],"password":"Secret-1!",
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D"},"active":true}
        """;

    private static (string Version, string LastModified) Meta(JsonNode user) =>
        (user["meta"]!["version"]!.GetValue<string>(), user["meta"]!["lastModified"]!.GetValue<string>());

    [Fact]
    public async Task A_put_or_patch_that_changes_nothing_keeps_version_and_last_modified()
    {
        var account = await factory.CreateAccountAsync();
        var id = (await (await account.PostAsync("/Users", Full)).AssertStatusAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        var before = Meta(await account.GetUserAsync(id));

        var put = await (await account.PutAsync($"/Users/{id}", Full)).AssertStatusAsync(HttpStatusCode.OK);
        var patch = await (
            await account.PatchOpsAsync(
                $"/Users/{id}",
                """[{"op":"replace","path":"title","value":"Engineer"},{"op":"replace","path":"active","value":"True"}]"""
            )
        ).AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(before, Meta(put));
        Assert.Equal(before, Meta(patch));
        Assert.Equal(before, Meta(await account.GetUserAsync(id)));

        // The ETag read before the no-op writes still matches.
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{account.ScimBase}/Users/{id}")
        {
            Content = TestAccount.Body(
                """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title",
                "value":"Lead"}]}
                """,
                "application/scim+json"
            ),
        };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(before.Version));
        var changed = await (await account.Scim.SendAsync(request)).AssertStatusAsync(HttpStatusCode.OK);
        Assert.NotEqual(before.Version, Meta(changed).Version);
    }

    [Fact]
    public async Task A_group_write_that_changes_nothing_keeps_version_and_last_modified()
    {
        var account = await factory.CreateAccountAsync();
        var user = await account.CreateUserAsync("member-same@example.com");
        var group = await account.CreateGroupAsync("Same Group", user);
        var before = Meta(await account.GetGroupAsync(group));

        Assert.Equal(
            HttpStatusCode.NoContent,
            (
                await account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"add","path":"members","value":[{"value":"{{user}}"}]}]""")
            ).StatusCode
        );
        Assert.Equal(before, Meta(await account.GetGroupAsync(group)));
        await (
            await account.PutAsync(
                $"/Groups/{group}",
                $$"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Same Group","members":[{"value":"{{user}}"}]}
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(before, Meta(await account.GetGroupAsync(group)));

        Assert.Equal(
            HttpStatusCode.NoContent,
            (await account.PatchOpsAsync($"/Groups/{group}", """[{"op":"remove","path":"members"}]""")).StatusCode
        );
        Assert.NotEqual(before.Version, Meta(await account.GetGroupAsync(group)).Version);
    }

    [Fact]
    public async Task An_explicit_primary_false_is_returned_as_false_and_an_absent_one_stays_absent()
    {
        var account = await factory.CreateAccountAsync();
        var created = await (
            await account.PostAsync("/Users", Full.Replace("same@", "explicit@", StringComparison.Ordinal))
        ).AssertStatusAsync(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();

        foreach (
            var user in new[]
            {
                created,
                await account.GetUserAsync(id),
                (JsonObject)
                    (
                        await (
                            await account.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"explicit@example.com\""))
                        ).ReadJsonAsync()
                    )["Resources"]![0]!,
            }
        )
        {
            var emails = user["emails"]!.AsArray();
            Assert.True(emails[0]!["primary"]!.GetValue<bool>());
            Assert.False(emails[1]!["primary"]!.GetValue<bool>());
            Assert.Null(emails[2]!["primary"]);
            Assert.False(user["phoneNumbers"]![0]!["primary"]!.GetValue<bool>());
        }
    }
}
