using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Api.Recording;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Tests.Recording;

/// <summary>The flight recorder over the real pipeline: what it keeps of each request, and what it never keeps.</summary>
public sealed class RecorderTests(StandardApiFactory factory) : IClassFixture<StandardApiFactory>
{
    private const string User = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    [Fact]
    public async Task A_request_is_recorded_with_token_dialect_shape_interpretation_changes_and_rules()
    {
        var account = await factory.CreateAccountAsync();
        account.Scim.DefaultRequestHeaders.UserAgent.ParseAdd("Okta SCIM Client 1.0.0");
        var id = await account.CreateUserAsync("rec.one@example.com");
        var group = await account.CreateGroupAsync("Recorded Team", id);
        var patch = await account.PatchOpsAsync($"/Users/{id}", """[{"op":"Replace","path":"active","value":"False"}]""");
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await account.GetAsync("/Users/00000000000000000000000000000000")).StatusCode);

        var log = await account.LogAsync();
        Assert.Equal(
            ["POST /Users", "POST /Groups with members", "PATCH /Users/{id} replace active", "GET /Users/{id}"],
            log.Select(e => e.Text("shape"))
        );
        Assert.All(log, e => Assert.Equal("okta", e.Text("idp")));
        Assert.All(log, e => Assert.Equal("test scim", e["token"]!["name"]!.GetValue<string>()));
        Assert.All(log, e => Assert.Equal(account.ScimTokenId, e["token"]!["id"]!.GetValue<string>()));
        Assert.Equal([201, 201, 200, 404], log.Select(e => e["status"]!.GetValue<int>()));
        Assert.Equal(["success", "success", "success", "refused"], log.Select(e => e.Text("outcome")));
        Assert.Equal(id, log[0].Text("resource_id"));
        Assert.Equal(group, log[1].Text("resource_id"));
        Assert.Contains("member-provisioned", log[0]["rules"]!.ToJsonString());
        Assert.Contains("member-deprovisioned", log[2]["rules"]!.ToJsonString());

        var detail = await account.EntryAsync(log[2].Text("id"));
        Assert.Contains("\"op\":\"replace\"", detail["interpretation"]!["normalised"]!.ToJsonString());
        var coercions = detail["interpretation"]!["coercions"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains("op \"Replace\" read as \"replace\"", coercions);
        Assert.Contains("\"False\" (a string) read as the boolean false for active", coercions);
        var change = detail["changes"]!.AsArray().Single()!;
        Assert.Equal("Update SCIM User", change["operation"]!.GetValue<string>());
        Assert.Contains("Active", change["attributes"]!.ToJsonString());
        Assert.Contains("\"active\":false", detail.Text("response_body"));
        Assert.Equal("Okta SCIM Client 1.0.0", detail.Text("user_agent"));
        Assert.Contains("Okta", detail["idp_reasons"]!.ToJsonString());
    }

    [Fact]
    public async Task A_refused_write_records_the_rule_that_refused_it()
    {
        var account = await factory.CreateAccountAsync();
        var response = await account.PostAsync(
            "/Groups",
            """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"CF Team"}"""
        );
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var taken = await account.PostAsync(
            "/Users",
            $$"""{"schemas":["{{User}}"],"userName":"owner@example.com","emails":[{"value":"owner@example.com","primary":true}]}"""
        );
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        var owner = await account.OwnerUserIdAsync();
        var lockout = await account.PatchOpsAsync($"/Users/{owner}", """[{"op":"replace","path":"active","value":false}]""");
        Assert.Equal(HttpStatusCode.Conflict, lockout.StatusCode);

        var log = await account.LogAsync();
        Assert.Equal("[\"cf-prefix\"]", log[0]["rules"]!.ToJsonString());
        Assert.Contains("unique-name", log[1]["rules"]!.ToJsonString());
        Assert.Contains("lockout-guard", log[^1]["rules"]!.ToJsonString());
        Assert.All(log, e => Assert.Equal("rejected", e.Verdict()));
        var refusal = (await account.EntryAsync(log[^1].Text("id")))["changes"]!.AsArray().Single()!;
        Assert.Equal("refused", refusal["outcome"]!.GetValue<string>());
    }

    /// <summary>An IdP session that sends passwords in every way SCIM allows; no byte of a secret reaches the database.</summary>
    [Fact]
    public async Task Passwords_and_tokens_never_reach_the_stored_log()
    {
        var account = await factory.CreateAccountAsync();
        string[] secrets =
        [
            "Pa55-in-a-post!",
            "Pa55-in-a-put!",
            "Pa55-by-path!",
            "Pa55-path-less!",
            "Pa55-urn!",
            "Pa55-bulk!",
            "Pa55-malformed!",
        ];
        var created = await account.PostAsync(
            "/Users",
            $$"""
            {"schemas":["{{User}}"],"userName":"secret.user@example.com","password":"{{secrets[0]}}",
             "emails":[{"value":"secret.user@example.com","primary":true}]}
            """
        );
        var id = (await created.AssertStatusAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        await account.PutAsync(
            $"/Users/{id}",
            $$"""
            {"schemas":["{{User}}"],"userName":"secret.user@example.com","password":"{{secrets[1]}}",
             "emails":[{"value":"secret.user@example.com","primary":true}]}
            """
        );
        await account.PatchOpsAsync($"/Users/{id}", $$"""[{"op":"replace","path":"password","value":"{{secrets[2]}}"}]""");
        await account.PatchOpsAsync($"/Users/{id}", $$$"""[{"op":"replace","value":{"password":"{{{secrets[3]}}}"}}]""");
        await account.PatchOpsAsync($"/Users/{id}", $$"""[{"op":"replace","path":"{{User}}:password","value":"{{secrets[4]}}"}]""");
        await account.PostAsync(
            "/Bulk",
            $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"PATCH","path":"/Users/{{{id}}}",
             "data":{"schemas":["{{{PatchOp}}}"],"Operations":[{"op":"replace","path":"password","value":"{{{secrets[5]}}}"}]}}]}
            """
        );
        await account.PostAsync("/Users", $$"""{"userName":"x@example.com","password":"{{secrets[6]}}", """);
        // A token in a body and in the query, and every request's own Authorization header.
        await account.PostAsync("/Users", $$"""{"userName":"token.in.body@example.com","nickName":"{{account.AdminToken}}"}""");
        await account.GetAsync("/Users?access_token=" + account.AdminToken);

        var log = await account.LogAsync();
        Assert.Equal(9, log.Count);
        var export = await account.ExportAsync();
        using var scope = factory.Services.CreateScope();
        var stored = await DatabaseRows.OfTableAsync(scope.ServiceProvider.GetRequiredService<ScimDbContext>(), "ProvisioningLog");
        foreach (var secret in secrets.Concat([account.ScimToken, account.AdminToken, ScimApiFactory.SigningKey]))
        {
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, export, StringComparison.Ordinal);
        }

        Assert.Contains("[redacted]", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_requests_authenticated_for_the_account_are_recorded()
    {
        var account = await factory.CreateAccountAsync();
        var other = await factory.CreateAccountAsync();
        using var anonymous = factory.ClientWithToken(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(account.ScimBase + "/Users")).StatusCode);
        using var foreign = factory.ClientWithToken(other.ScimToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await foreign.GetAsync(account.ScimBase + "/Users")).StatusCode);
        await account.GetAsync("/ServiceProviderConfig");

        var log = await account.LogAsync();
        Assert.Equal("GET /ServiceProviderConfig", Assert.Single(log).Text("shape"));
        Assert.Empty(await other.LogAsync());
    }

    [Fact]
    public async Task The_log_is_filtered_paged_and_exported_oldest_first_and_is_read_only_for_readers()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("paged@example.com");
        await account.GetAsync($"/Users/{id}");
        await account.GetAsync("/Users?filter=userName%20eq%20%22paged@example.com%22");
        await account.DeleteAsync($"/Users/{id}");
        await account.LogAsync();

        var page = await (await account.AdminGetAsync("/provisioning_log?per_page=2&page=2")).ReadJsonAsync();
        Assert.Equal(4, page["result_info"]!["total_count"]!.GetValue<int>());
        Assert.Equal(["GET /Users/{id}", "POST /Users"], page["result"]!.AsArray().Select(e => e!["shape"]!.GetValue<string>()));
        var gets = await account.LogAsync("&method=get&resource=User");
        Assert.Equal(2, gets.Count);
        Assert.Single(await account.LogAsync("&verdict=rejected")); // Cloudflare has no DELETE /Users
        Assert.Empty(await account.LogAsync("&since=2999-01-01T00:00:00Z"));

        var lines = (await account.ExportAsync("?method=GET")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["/Users/" + id, "/Users"], lines.Select(l => JsonNode.Parse(l)!["path"]!.GetValue<string>()));
        Assert.All(lines, l => Assert.NotNull(JsonNode.Parse(l)!["response_body"]));

        var missing = await account.AdminGetAsync("/provisioning_log/ffffffffffffffffffffffffffffffff");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.False((await missing.ReadJsonAsync())["success"]!.GetValue<bool>());
        using var scim = factory.ClientWithToken(account.ScimToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await scim.GetAsync(account.AdminBase + "/provisioning_log")).StatusCode);
    }

    [Fact]
    public async Task Verdicts_say_what_Cloudflare_would_refuse_or_answer_differently()
    {
        var account = await factory.CreateAccountAsync();
        var id = await account.CreateUserAsync("verdict@example.com");
        await account.GetAsync("/Users?sortBy=userName");
        await account.GetAsync("/Users?filter=" + Uri.EscapeDataString("emails.value co \"example\""));
        await account.GetAsync("/Users?count=500");
        await account.PostAsync("/Users", $$"""{"schemas":["{{User}}"],"userName":"not-an-email","emails":[]}""");
        await account.PatchOpsAsync($"/Users/{id}", """[{"op":"add","path":"nickName","value":"V"}]""");
        await account.PatchOpsAsync($"/Users/{id}", """[{"op":"replace","path":"userName","value":"no-at-sign"}]""");
        var group = await account.CreateGroupAsync("Verdicts");
        await account.PatchOpsAsync($"/Groups/{group}", $$"""[{"op":"add","path":"members","value":[{"value":"{{id}}"}]}]""");
        await account.PostAsync("/.search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}""");

        var log = await account.LogAsync();
        var verdicts = log.Select(e => (e.Text("shape"), e.Verdict())).ToList();
        Assert.Equal(
            [
                ("POST /Users", "accepted"),
                ("GET /Users sorted", "rejected"),
                ("GET /Users filter emails.value co", "rejected"),
                ("GET /Users", "accepted-differently"),
                ("POST /Users", "rejected"),
                ("PATCH /Users/{id} add nickName", "accepted-differently"),
                ("PATCH /Users/{id} replace userName", "rejected"),
                ("POST /Groups", "accepted"),
                ("PATCH /Groups/{id} add members", "accepted-differently"),
                ("POST /.search", "rejected"),
            ],
            verdicts
        );
        Assert.Contains("sortBy", log[1].Reasons());
        Assert.Contains("at most 100", log[3].Reasons());
        Assert.Contains("email", log[4].Reasons());
        Assert.Equal(201, log[4]["status"]!.GetValue<int>()); // the Standard profile took it
        Assert.Contains("200 and the group", log[8].Reasons());

        var report = (await (await account.AdminGetAsync("/provisioning_log/compatibility")).ReadJsonAsync())["result"]!;
        Assert.Equal(10, report["total"]!.GetValue<int>());
        Assert.Equal(5, report["would_fail"]!.GetValue<int>());
        Assert.Equal(5, report["would_succeed"]!.GetValue<int>());
        var postUsers = report["rows"]!.AsArray().Single(r => r!["shape"]!.GetValue<string>() == "POST /Users")!;
        Assert.Equal(2, postUsers["total"]!.GetValue<int>());
        Assert.Equal(1, postUsers["accepted"]!.GetValue<int>());
        Assert.Equal(1, postUsers["rejected"]!.GetValue<int>());
        Assert.Equal(log[4].Text("id"), postUsers["example_failure"]!["entry_id"]!.GetValue<string>());
        Assert.Equal(log[0].Text("id"), postUsers["example_success"]!["entry_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(ProvisioningRecorder.PruneChunk)]
    [InlineData(2)] // several statements per limit, the last one short
    [InlineData(1)]
    public async Task Retention_deletes_entries_past_the_age_and_beyond_the_rows_per_account(int chunk)
    {
        var account = await factory.CreateAccountAsync();
        var other = await factory.CreateAccountAsync();
        for (var i = 0; i < 8; i++)
        {
            await account.GetAsync("/ServiceProviderConfig");
        }

        await other.GetAsync("/ServiceProviderConfig");
        var kept = (await account.LogAsync()).Select(e => e.Text("id")).ToList();
        await other.LogAsync();
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        var now = DateTime.UtcNow;
        // Rows per account: the three newest of this account stay; other accounts (with fewer) are untouched.
        var deleted = await ProvisioningRecorder.PruneAsync(
            db,
            new RecorderOptions { RetentionDays = 0, MaxEntriesPerAccount = 3 },
            now,
            default,
            chunk
        );
        // At least this account's five (accounts of the class's other tests share the database).
        Assert.True(deleted >= 5, $"{deleted} deleted");
        Assert.Equal(kept[^3..], (await account.LogAsync()).Select(e => e.Text("id")));
        Assert.Single(await other.LogAsync());
        // Age: a day later with one day of retention, everything goes.
        Assert.True(
            await ProvisioningRecorder.PruneAsync(
                db,
                new RecorderOptions { RetentionDays = 1, MaxEntriesPerAccount = 0 },
                now.AddDays(1.01),
                default,
                chunk
            ) >= 4
        );
        Assert.Empty(await account.LogAsync());
        Assert.Empty(await other.LogAsync());
    }
}

/// <summary>The recorder with a tiny body limit: what is cut is marked, and a cut body gets no verdict.</summary>
public sealed class RecorderTruncationTests(RecorderTruncationTests.SmallBodyFactory factory)
    : IClassFixture<RecorderTruncationTests.SmallBodyFactory>
{
    public sealed class SmallBodyFactory : ScimApiFactory
    {
        protected override string Profile => "Standard";

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            base.Settings().Append(new("Recorder:MaxBodyBytes", "64"));
    }

    [Fact]
    public async Task Bodies_past_the_limit_are_cut_and_marked()
    {
        var account = await factory.CreateAccountAsync();
        await account.CreateUserAsync("a.rather.long.user.name.to.pass.the.limit@example.com");
        var entry = await account.EntryAsync(Assert.Single(await account.LogAsync()).Text("id"));
        Assert.True(entry["request_truncated"]!.GetValue<bool>());
        Assert.True(entry["response_truncated"]!.GetValue<bool>());
        Assert.Equal(64, Encoding.UTF8.GetByteCount(entry.Text("request_body")));
        Assert.Equal("unknown", entry.Verdict());
        Assert.Equal(201, entry["status"]!.GetValue<int>());
    }
}

/// <summary>The recorder's queue is bounded by bytes too: what does not fit is dropped and counted, and the IdP still served.</summary>
public sealed class RecorderBoundTests(RecorderBoundTests.TinyQueueFactory factory) : IClassFixture<RecorderBoundTests.TinyQueueFactory>
{
    public sealed class TinyQueueFactory : ScimApiFactory
    {
        protected override string Profile => "Standard";

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            base.Settings().Append(new("Recorder:MaxQueuedBytes", "2000"));
    }

    [Fact]
    public async Task An_entry_that_does_not_fit_the_queue_is_dropped_and_counted_and_the_request_is_served()
    {
        var account = await factory.CreateAccountAsync();
        await account.GetAsync("/Users?filter=userName%20eq%20%22nobody@example.com%22"); // small: fits
        var big = await account.PostAsync(
            "/Users",
            $$"""
            {"userName":"big@example.com","emails":[{"value":"big@example.com","primary":true}],
             "nickName":"{{new string('n', 3000)}}"}
            """
        );
        Assert.Equal(HttpStatusCode.Created, big.StatusCode);

        var log = await account.LogAsync();
        Assert.Equal("GET /Users filter userName eq", Assert.Single(log).Text("shape"));
        var status = (await (await account.AdminGetAsync("/provisioning_log/status")).ReadJsonAsync())["result"]!;
        Assert.Equal(1, status["dropped"]!.GetValue<long>());
        Assert.Equal(0, status["queue_depth"]!.GetValue<int>());
    }
}
