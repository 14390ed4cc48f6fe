using System.Net;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Standard;

/// <summary>RFC 7644 §3.4.2.2 filters in the Standard profile, evaluated by the database.</summary>
public sealed class FilterTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private async Task<(TestAccount Account, Dictionary<string, string> Ids)> SeedAsync()
    {
        var account = await factory.CreateAccountAsync("owner@corp.example");
        var ids = new Dictionary<string, string>();
        async Task Add(string key, string body) =>
            ids[key] = (await (await account.PostAsync("/Users", body)).AssertStatusAsync(HttpStatusCode.Created))[
                "id"
            ]!.GetValue<string>();
        await Add(
            "ann",
            """
            {"userName":"ann@corp.example","name":{"givenName":"Ann","familyName":"O'Brien"},"title":"Engineer","active":true,
            "externalId":"EXT-1",
             "emails":[{"value":"ann@corp.example","type":"work","primary":true},{"value":"ann@home.example","type":"home"}],
             "phoneNumbers":[{"value":"+1 555 0100","type":"work"}],"addresses":[{"locality":"Lisbon","country":"PT","type":"work"}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D","employeeNumber":"7"}}
            """
        );
        await Add(
            "bob",
            """
            {"userName":"bob@corp.example","name":{"givenName":"Bob","familyName":"Smith"},"title":"Manager","active":false,
            "externalId":"ext-2",
             "emails":[{"value":"bob@corp.example","type":"work"}],"roles":[{"value":"auditor"}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"}}
            """
        );
        await Add(
            "cat",
            """
            {"userName":"cat@other.example","name":{"givenName":"Cat","familyName":"Jones"},"active":true,
             "emails":[{"value":"cat@other.example","type":"work"},{"value":"cat@corp.example","type":"other"}]}
            """
        );
        return (account, ids);
    }

    private static async Task<List<string>> QueryAsync(TestAccount account, string filter)
    {
        var response = await account.GetAsync("/Users?count=100&filter=" + Uri.EscapeDataString(filter));
        var body = await response.AssertStatusAsync(HttpStatusCode.OK);
        return body["Resources"]!
            .AsArray()
            .Select(r => r!["userName"]!.GetValue<string>().Split('@')[0])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [Theory]
    [InlineData("userName eq \"ANN@corp.example\"", "ann")]
    [InlineData("userName ne \"ann@corp.example\" and userName ne \"owner@corp.example\"", "bob,cat")]
    [InlineData("userName co \"CORP\"", "ann,bob,owner")]
    [InlineData("userName sw \"b\"", "bob")]
    [InlineData("userName ew \"other.example\"", "cat")]
    [InlineData("title pr", "ann,bob")]
    [InlineData("not (title pr)", "cat,owner")]
    [InlineData("userName gt \"bob@corp.example\"", "cat,owner")]
    [InlineData("userName ge \"bob@corp.example\"", "bob,cat,owner")]
    [InlineData("userName lt \"bob\"", "ann")]
    [InlineData("userName le \"bob@corp.example\"", "ann,bob")]
    [InlineData("active eq false", "bob")]
    [InlineData("active ne true", "bob")]
    [InlineData("title eq \"engineer\" or title eq \"MANAGER\"", "ann,bob")]
    [InlineData("title eq \"Engineer\" or title eq \"Manager\" and active eq true", "ann")]
    [InlineData("(title eq \"Engineer\" or title eq \"Manager\") and active eq false", "bob")]
    [InlineData("externalId eq \"EXT-1\"", "ann")]
    [InlineData("externalId eq \"ext-1\"", "")]
    [InlineData("name.familyName eq \"o'brien\"", "ann")]
    [InlineData("NAME.GIVENNAME sw \"c\"", "cat")]
    [InlineData("emails[type eq \"work\" and value co \"@corp\"]", "ann,bob,owner")]
    [InlineData("emails[type eq \"other\" or type eq \"home\"]", "ann,cat")]
    [InlineData("emails.value eq \"cat@corp.example\"", "cat")]
    [InlineData("emails co \"home\"", "ann")]
    [InlineData("emails[not (type eq \"work\")]", "ann,cat")]
    [InlineData("phoneNumbers[type eq \"work\" and value sw \"+1\"]", "ann")]
    [InlineData("addresses[locality eq \"lisbon\"]", "ann")]
    [InlineData("roles.value eq \"AUDITOR\"", "bob")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"r&d\"", "ann")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"cat\"", "cat")]
    [InlineData("meta.resourceType eq \"User\" and title eq \"Manager\"", "bob")]
    [InlineData("meta.created gt \"2000-01-01T00:00:00Z\" and active eq false", "bob")]
    [InlineData("meta.lastModified lt \"2000-01-01T00:00:00Z\"", "")]
    public async Task Filters_select_exactly_the_matching_users(string filter, string expected)
    {
        var (account, _) = await SeedAsync();
        var result = await QueryAsync(account, filter);
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), result);
    }

    [Fact]
    public async Task Users_can_be_filtered_by_group_and_groups_by_member()
    {
        var (account, ids) = await SeedAsync();
        var group = await account.CreateGroupAsync("Writers", ids["ann"], ids["cat"]);
        Assert.Equal(["ann", "cat"], await QueryAsync(account, $"groups.value eq \"{group}\""));
        Assert.Equal(["ann", "cat"], await QueryAsync(account, "groups[display eq \"writers\"]"));
        var groups = await (
            await account.GetAsync("/Groups?filter=" + Uri.EscapeDataString($"members.value eq \"{ids["cat"]}\" and displayName sw \"W\""))
        ).ReadJsonAsync();
        Assert.Equal(group, Assert.Single(groups["Resources"]!.AsArray())!["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("shoeSize eq \"9\"", "shoeSize")]
    [InlineData("urn:example:custom:2.0:User:x eq \"1\"", "urn:example")]
    [InlineData("emails[type eq \"work\"].nope eq \"x\"", "nope")]
    [InlineData("name[givenName eq \"x\"]", "name")]
    [InlineData("active gt true", "active")]
    [InlineData("meta.created co \"2020\"", "meta.created")]
    [InlineData("title eq true", "title")]
    public async Task Expressions_that_cannot_be_served_are_invalid_filter_naming_the_problem(string filter, string named)
    {
        var (account, _) = await SeedAsync();
        var error = await (await account.GetAsync("/Users?filter=" + Uri.EscapeDataString(filter))).AssertScimErrorAsync(
            HttpStatusCode.BadRequest,
            "invalidFilter"
        );
        Assert.Contains(named, error["detail"]!.GetValue<string>());
    }
}
