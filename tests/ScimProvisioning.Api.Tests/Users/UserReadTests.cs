using System.Net;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Users;

/// <summary>
/// GET /Users/{id} reads the user with one hand-written command (UserReads); every other response loads it with
/// EF Core. Whatever a user holds, the two must agree to the byte.
/// </summary>
public sealed class UserReadTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private const string Everything = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "userName":"Everything@Example.com","externalId":"00u-everything","displayName":"Ada Everything","nickName":"ada",
         "profileUrl":"https://example.com/ada","title":"Chief Engineer","userType":"Employee","preferredLanguage":"en-GB",
         "locale":"en-GB","timezone":"Europe/London","active":true,"password":"Not-Returned-1!",
         "name":{"formatted":"Dr Ada M Everything III","familyName":"Everything","givenName":"Ada","middleName":"M","honorificPrefix":"Dr",
         "honorificSuffix":"III"},
         "emails":[{"value":"ada@example.com","type":"work","primary":true,"display":"Ada (work)"},{"value":"ada@home.example",
         "type":"home"}],
         "phoneNumbers":[{"value":"+44 20 7946 0000","type":"work","primary":true},{"value":"+44 7700 900000","type":"mobile"}],
         "ims":[{"value":"ada-chat","type":"xmpp"}],
         "photos":[{"value":"https://example.com/ada.png","type":"photo"}],
         "addresses":[{"type":"work","streetAddress":"1 Engine Row","locality":"London","region":"Greater London","postalCode":"N1 9GU",
         "country":"GB","formatted":"1 Engine Row, London","primary":true}],
         "entitlements":[{"value":"analytical-engine"}],
         "roles":[{"value":"builder","display":"Builder","type":"org","primary":true}],
         "x509Certificates":[{"value":"MIIB"}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"1815","costCenter":"CC-1","organization":"Engines",
         "division":"Research","department":"Difference","manager":{"value":"0123456789abcdef0123456789abcdef"}}}
        """;

    [Fact]
    public async Task A_user_with_every_attribute_reads_the_same_alone_as_in_a_list_and_as_a_write_answered()
    {
        var account = await factory.CreateAccountAsync();
        var created = await (await account.PostAsync("/Users", Everything)).AssertStatusAsync(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        await account.CreateGroupAsync("Analysts", id);
        await account.CreateGroupAsync("Builders", id);

        var single = await account.GetUserAsync(id);
        var listed = (
            await (await account.GetAsync("/Users?filter=" + Uri.EscapeDataString($"id eq \"{id}\""))).AssertStatusAsync(HttpStatusCode.OK)
        )["Resources"]![0]!.AsObject();
        Assert.Equal(listed.ToJsonString(), single.ToJsonString());

        // A write answers with the user as EF Core loaded and changed it; a read afterwards must show exactly that.
        var patched = await (
            await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"nickName","value":"lovelace"}]""")
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(patched.ToJsonString(), (await account.GetUserAsync(id)).ToJsonString());
        Assert.Equal(["Analysts", "Builders"], single["groups"]!.AsArray().Select(g => g!["display"]!.GetValue<string>()));
        Assert.Equal(2, single["emails"]!.AsArray().Count);
        Assert.Equal("1815", single["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["employeeNumber"]!.GetValue<string>());
        Assert.Null(single["password"]);
    }

    /// <summary>The fast path of <c>userName eq</c> against the general filter path, which the second spelling takes.</summary>
    public static TheoryData<string> ListQueries() =>
        new()
        {
            "",
            "&attributes=userName,emails",
            "&excludedAttributes=groups,name",
            "&count=0",
            "&startIndex=2",
            "&startIndex=1&count=1",
        };

    [Theory]
    [MemberData(nameof(ListQueries))]
    public async Task A_userName_lookup_answers_exactly_as_the_general_filter_does(string query)
    {
        var account = await factory.CreateAccountAsync();
        var created = await (await account.PostAsync("/Users", Everything)).AssertStatusAsync(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        await account.CreateGroupAsync("Analysts", id);
        await account.CreateGroupAsync("Builders", id);
        await account.CreateUserAsync("someone.else@example.com");

        foreach (var userName in new[] { "everything@example.com", "EVERYTHING@EXAMPLE.COM", "nobody@example.com" })
        {
            // "userName eq" alone takes the single-command read; with "and userName pr" it is an ordinary filter.
            foreach (var spelling in new[] { "userName", "urn:ietf:params:scim:schemas:core:2.0:User:USERNAME" })
            {
                var fast = await (
                    await account.GetAsync("/Users?filter=" + Uri.EscapeDataString($"{spelling} eq \"{userName}\"") + query)
                ).AssertStatusAsync(HttpStatusCode.OK);
                var general = await (
                    await account.GetAsync("/Users?filter=" + Uri.EscapeDataString($"{spelling} eq \"{userName}\" and userName pr") + query)
                ).AssertStatusAsync(HttpStatusCode.OK);
                Assert.Equal(general.ToJsonString(), fast.ToJsonString());
                Assert.Equal(userName.StartsWith("nobody", StringComparison.Ordinal) ? 0 : 1, fast["totalResults"]!.GetValue<int>());
            }
        }
    }

    [Fact]
    public async Task A_user_is_read_only_in_its_own_account()
    {
        var mine = await factory.CreateAccountAsync();
        var theirs = await factory.CreateAccountAsync();
        var theirUser = await theirs.CreateUserAsync("theirs@example.com");

        await (await mine.GetAsync($"/Users/{theirUser}")).AssertScimErrorAsync(HttpStatusCode.NotFound);
        await (await mine.GetAsync("/Users/0123456789abcdef0123456789abcdef")).AssertScimErrorAsync(HttpStatusCode.NotFound);
        var lookup = await (
            await mine.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"theirs@example.com\""))
        ).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(0, lookup["totalResults"]!.GetValue<int>());
        Assert.Equal("theirs@example.com", (await theirs.GetUserAsync(theirUser))["userName"]!.GetValue<string>());
    }
}
