using System.Net;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Users;

/// <summary>
/// Cloudflare's userName rules (an email equal to the primary email) hold on every path — POST, PUT and PATCH — because
/// the domain asks the profile, not the endpoint; and every write's change description lands in the audit log.
/// </summary>
public sealed class CloudflareUserRuleTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    [Theory]
    [InlineData("""[{"op":"replace","path":"userName","value":"not-an-email"}]""")]
    [InlineData("""[{"op":"replace","value":{"userName":"still not an email"}}]""")]
    [InlineData("""[{"op":"replace","path":"emails[type eq \"work\"].value","value":"nope"}]""")]
    public async Task A_patch_to_a_user_name_that_is_no_email_is_refused_and_changes_nothing(string operations)
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("jane@example.com");
        var before = await account.SnapshotAsync();

        var response = await account.PatchOpsAsync($"/Users/{id}", operations);

        var error = await response.AssertStatusAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalidValue", error["scimType"]!.GetValue<string>());
        Assert.Contains("email", error["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await account.SnapshotAsync());
    }

    [Fact]
    public async Task A_patch_to_another_email_renames_the_user_and_its_primary_email()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("jane@example.com");

        var response = await account.PatchOpsAsync(
            $"/Users/{id}",
            """[{"op":"replace","path":"userName","value":"jane.doe@example.com"}]"""
        );

        var user = await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("jane.doe@example.com", user["userName"]!.GetValue<string>());
        Assert.Equal("jane.doe@example.com", user["emails"]![0]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_audit_log_holds_each_write_s_change_description()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("jane@example.com");
        await (await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"active","value":false}]""")).AssertStatusAsync(
            HttpStatusCode.OK
        );

        var summaries = await account.QueryAsync(db =>
            db.AuditEvents.Where(e => e.ResourceId == id).OrderBy(e => e.Key).Select(e => e.Summary!).ToListAsync()
        );

        Assert.Equal(2, summaries.Count);
        Assert.Contains("\"rules\":[\"member-provisioned\"]", summaries[0], StringComparison.Ordinal);
        Assert.Contains("\"rules\":[\"member-deprovisioned\"]", summaries[1], StringComparison.Ordinal);
        Assert.Contains("\"Active\"", summaries[1], StringComparison.Ordinal);
        Assert.Contains("\"name\":\"jane@example.com\"", summaries[1], StringComparison.Ordinal);
    }
}
