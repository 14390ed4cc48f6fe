using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Tests.Infrastructure;

/// <summary>An isolated account and HTTP clients that speak to it the way IdPs do.</summary>
public sealed class TestAccount(ScimApiFactory factory, string accountId, string scimToken, string scimTokenId, string adminToken)
{
    public string AccountId { get; } = accountId;
    public string ScimToken { get; } = scimToken;
    public string ScimTokenId { get; } = scimTokenId;
    public string AdminToken { get; } = adminToken;
    public ScimApiFactory Factory { get; } = factory;

    public string ScimBase => $"/client/v4/accounts/{AccountId}/scim/v2";
    public string AdminBase => $"/client/v4/accounts/{AccountId}";

    public HttpClient Scim { get; } = factory.ClientWithToken(scimToken);
    public HttpClient Admin { get; } = factory.ClientWithToken(adminToken);

    public Task<HttpResponseMessage> GetAsync(string relative) => Scim.GetAsync(ScimBase + relative);

    public Task<HttpResponseMessage> DeleteAsync(string relative) => Scim.DeleteAsync(ScimBase + relative);

    public Task<HttpResponseMessage> PostAsync(string relative, string json, string contentType = "application/scim+json") =>
        Scim.PostAsync(ScimBase + relative, Body(json, contentType));

    public Task<HttpResponseMessage> PutAsync(string relative, string json, string contentType = "application/scim+json") =>
        Scim.PutAsync(ScimBase + relative, Body(json, contentType));

    public Task<HttpResponseMessage> PatchAsync(string relative, string json, string contentType = "application/scim+json") =>
        Scim.PatchAsync(ScimBase + relative, Body(json, contentType));

    /// <summary>Patch with a list of operations, wrapped in a PatchOp document.</summary>
    public Task<HttpResponseMessage> PatchOpsAsync(string relative, string operationsJson) =>
        PatchAsync(relative, $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":{{operationsJson}}}""");

    public static HttpContent Body(string json, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    /// <summary>Creates a user (Okta's shape) and returns its id.</summary>
    public async Task<string> CreateUserAsync(
        string userName,
        string? givenName = "Given",
        string? familyName = "Family",
        string? externalId = null
    )
    {
        var response = await PostAsync(
            "/Users",
            $$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{userName}}",
             "name":{"givenName":"{{givenName}}","familyName":"{{familyName}}"},
             "emails":[{"primary":true,"value":"{{userName}}","type":"work"}],
             "externalId":{{(externalId is null ? "null" : $"\"{externalId}\"")}},"active":true}
            """
        );
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create user: {(int)response.StatusCode} {body}");
        return body["id"]!.GetValue<string>();
    }

    /// <summary>Pushes a group (Okta's shape) and returns its id.</summary>
    public async Task<string> CreateGroupAsync(string displayName, params string[] memberIds)
    {
        var members = string.Join(",", memberIds.Select(m => $$"""{"value":"{{m}}"}"""));
        var response = await PostAsync(
            "/Groups",
            $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"{{displayName}}","members":[{{members}}]}"""
        );
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create group: {(int)response.StatusCode} {body}");
        return body["id"]!.GetValue<string>();
    }

    public async Task<JsonObject> GetGroupAsync(string id, string query = "")
    {
        var response = await GetAsync($"/Groups/{id}{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (JsonObject)await response.ReadJsonAsync();
    }

    public async Task<List<string>> MemberValuesAsync(string groupId) =>
        (await GetGroupAsync(groupId))["members"]!
            .AsArray()
            .Select(m => m!["value"]!.GetValue<string>())
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The id of the account's first Super Administrator (created with the account).</summary>
    public Task<string> OwnerUserIdAsync() =>
        QueryAsync(db => db.Users.Where(u => u.AccountId == AccountId).OrderBy(u => u.Key).Select(u => u.Id).FirstAsync());

    public Task<HttpResponseMessage> AdminGetAsync(string relative) => Admin.GetAsync(AdminBase + relative);

    public Task<HttpResponseMessage> AdminPostAsync(string relative, string json) =>
        Admin.PostAsync(AdminBase + relative, Body(json, "application/json"));

    public Task<HttpResponseMessage> AdminPutAsync(string relative, string json) =>
        Admin.PutAsync(AdminBase + relative, Body(json, "application/json"));

    public Task<HttpResponseMessage> AdminDeleteAsync(string relative) => Admin.DeleteAsync(AdminBase + relative);

    /// <summary>The names of the roles a user's member really holds (effective permissions), or null when it is no member.</summary>
    public async Task<List<string>?> EffectiveRolesAsync(string userId)
    {
        var memberId = await MemberIdOfAsync(userId);
        if (memberId is null)
        {
            return null;
        }

        var body = await (await AdminGetAsync($"/members/{memberId}/effective_permissions")).ReadJsonAsync();
        return body["result"]!["roles"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A policy body granting roles at account scope.</summary>
    public string AccountPolicy(string access, params string[] roleIds)
    {
        var roles = string.Join(",", roleIds.Select(r => $$"""{"id":"{{r}}"}"""));
        var scope = $$"""{"key":"com.cloudflare.api.account.{{AccountId}}","objects":[{"key":"*"}]}""";
        return $$"""{"access":"{{access}}","permission_groups":[{{roles}}],"resource_groups":[{"scope":{{scope}} } ]}""";
    }

    public async Task<JsonObject> GetUserAsync(string id)
    {
        var response = await GetAsync($"/Users/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (JsonObject)await response.ReadJsonAsync();
    }

    /// <summary>Runs a query against the database directly (to check state the API does not show).</summary>
    public async Task<T> QueryAsync<T>(Func<ScimDbContext, Task<T>> query)
    {
        using var scope = Factory.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<ScimDbContext>());
    }

    public Task<int> MemberCountAsync() => QueryAsync(db => db.Members.CountAsync(m => m.AccountId == AccountId));

    public Task<string?> MemberIdOfAsync(string userId) =>
        QueryAsync(db => db.Members.Where(m => m.AccountId == AccountId && m.User.Id == userId).Select(m => m.Id).SingleOrDefaultAsync());

    /// <summary>A fingerprint of every row this account owns, to prove a refused request changed nothing.</summary>
    public Task<string> SnapshotAsync() =>
        QueryAsync(async db =>
        {
            var users = await db
                .Users.AsNoTracking()
                .Include(u => u.Emails)
                .Include(u => u.MultiValues)
                .AsSplitQuery()
                .Where(u => u.AccountId == AccountId)
                .OrderBy(u => u.Key)
                .ToListAsync();
            var members = await db
                .Members.AsNoTracking()
                .Where(m => m.AccountId == AccountId)
                .OrderBy(m => m.Id)
                .Select(m => m.Id + m.UserKey + m.Status)
                .ToListAsync();
            var policies = await db.Policies.AsNoTracking().Where(p => p.AccountId == AccountId).OrderBy(p => p.Id).ToListAsync();
            return System.Text.Json.JsonSerializer.Serialize(
                new
                {
                    users = users.Select(u => new
                    {
                        u.Id,
                        u.UserName,
                        u.Active,
                        u.Version,
                        u.LastModified,
                        u.ExternalId,
                        u.GivenName,
                        u.FamilyName,
                        u.DisplayName,
                        extra = u.MultiValues.OrderBy(v => v.Position).Select(v => v.Attribute + v.Value + v.Type + v.StreetAddress),
                        u.Department,
                        u.ManagerId,
                        emails = u
                            .Emails.OrderBy(e => e.Position)
                            .Select(e => new
                            {
                                e.Value,
                                e.Type,
                                e.Primary,
                            }),
                    }),
                    members,
                    policies = policies.Select(p => new
                    {
                        p.Id,
                        p.MemberId,
                        p.Access,
                        p.PermissionGroupIds,
                    }),
                }
            );
        });
}

public static class HttpResponseExtensions
{
    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text.Length == 0 ? "null" : text) ?? new JsonObject();
    }

    /// <summary>Asserts a SCIM error: status code, error schema, string status, scimType, and a detail.</summary>
    public static async Task<JsonObject> AssertScimErrorAsync(
        this HttpResponseMessage response,
        HttpStatusCode status,
        string? scimType = null
    )
    {
        var body = (JsonObject)await response.ReadJsonAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", body["schemas"]![0]!.GetValue<string>());
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), body["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(body["detail"]?.GetValue<string>()));
        if (scimType is not null)
        {
            Assert.Equal(scimType, body["scimType"]?.GetValue<string>());
        }

        return body;
    }

    public static async Task<JsonObject> AssertStatusAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return body as JsonObject ?? new JsonObject();
    }
}
