using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Admin;

/// <summary>
/// User groups: <c>/accounts/{id}/iam/user_groups</c> with their policies and members sub-resource. SCIM-managed
/// groups refuse rename, member changes and deletion here; their policies can be edited.
/// </summary>
public static class UserGroupEndpoints
{
    public sealed record Query(
        [property: FromQuery(Name = "page")] int? Page,
        [property: FromQuery(Name = "per_page")] int? PerPage,
        [property: FromQuery(Name = "name")] string? Name,
        [property: FromQuery(Name = "fuzzyName")] string? FuzzyName
    );

    public static RouteGroupBuilder MapAdminUserGroups(this RouteGroupBuilder accounts)
    {
        var groups = accounts.MapGroup("/iam/user_groups").WithTags("User groups");
        groups
            .MapGet("", List)
            .RequireAuthorization(Policies.AccountRead)
            .WithName("ListUserGroups")
            .WithSummary("List user groups (SCIM-pushed and hand-made)");
        groups
            .MapPost("", Create)
            .RequireAuthorization(Policies.AccountWrite)
            .WithName("CreateUserGroup")
            .WithSummary("Create a user group: {name, policies?}");
        groups
            .MapGet("/{user_group_id}", Get)
            .RequireAuthorization(Policies.AccountRead)
            .WithName("GetUserGroup")
            .WithSummary("One user group with its policies");
        groups
            .MapPut("/{user_group_id}", Update)
            .RequireAuthorization(Policies.AccountWrite)
            .WithName("UpdateUserGroup")
            .WithSummary("Rename (not SCIM-managed groups) and/or replace policies as a whole: {name?, policies?}");
        groups
            .MapDelete("/{user_group_id}", Delete)
            .RequireAuthorization(Policies.AccountWrite)
            .WithName("DeleteUserGroup")
            .WithSummary("Delete a group that is not SCIM-managed");
        groups
            .MapGet("/{user_group_id}/members", ListMembers)
            .RequireAuthorization(Policies.AccountRead)
            .WithName("ListUserGroupMembers")
            .WithSummary("Account members in the group");
        groups
            .MapPost("/{user_group_id}/members", AddMembers)
            .RequireAuthorization(Policies.AccountWrite)
            .WithName("AddUserGroupMembers")
            .WithSummary("Add members: a JSON array [{\"id\": account member id}]");
        groups
            .MapPut("/{user_group_id}/members", ReplaceMembers)
            .RequireAuthorization(Policies.AccountWrite)
            .WithName("ReplaceUserGroupMembers")
            .WithSummary("Replace the members: a JSON array [{\"id\": account member id}]");
        groups
            .MapDelete("/{user_group_id}/members/{member_id}", RemoveMember)
            .RequireAuthorization(Policies.AccountWrite)
            .WithName("RemoveUserGroupMember")
            .WithSummary("Remove one member");
        return groups;
    }

    private static async Task<Envelope<List<UserGroupView>>> List(
        string account_id,
        [AsParameters] Query query,
        ScimDbContext db,
        AccountUserGroups userGroups,
        CancellationToken cancellationToken
    )
    {
        var (page, perPage) = new PageQuery(query.Page, query.PerPage).Resolve(100, 1, 500);
        var groups = db.UserGroups.AsNoTracking().Where(g => g.AccountId == account_id && g.SystemRoleId == null);
        if (query.Name is not null)
        {
            var key = Identifiers.NormalizeKey(query.Name);
            groups = groups.Where(g => g.NameKey == key);
        }

        if (query.FuzzyName is not null)
        {
            var fragment = Identifiers.NormalizeKey(query.FuzzyName);
            groups = groups.Where(g => g.NameKey.Contains(fragment));
        }

        var total = await groups.CountAsync(cancellationToken);
        var items = await groups
            .OrderBy(g => g.NameKey)
            .ThenBy(g => g.Key)
            .Skip((page - 1) * perPage)
            .Take(perPage)
            .ToListAsync(cancellationToken);
        var views = new List<UserGroupView>(items.Count);
        foreach (var group in items)
        {
            views.Add(await userGroups.ViewAsync(group, cancellationToken));
        }

        return CloudflareResults.Ok(views, PageQuery.Info(page, perPage, views.Count, total));
    }

    private static async Task<Envelope<UserGroupView>> Get(
        string account_id,
        string user_group_id,
        AccountUserGroups userGroups,
        CancellationToken cancellationToken
    )
    {
        var group = await userGroups.FindAsync(account_id, user_group_id, cancellationToken);
        return CloudflareResults.Ok(await userGroups.ViewAsync(group, cancellationToken));
    }

    private static async Task<Envelope<UserGroupView>> Create(
        string account_id,
        HttpContext http,
        AccountUserGroups userGroups,
        CancellationToken cancellationToken
    )
    {
        var body = await AdminRequests.ReadObjectAsync(http.Request);
        var name = AdminRequests.Text(body, "name") ?? throw AdminRequests.Invalid("A user group needs a 'name'.", "name");
        var policies = body["policies"] is null ? [] : AdminRequests.Policies(body["policies"]);
        var group = await userGroups.CreateAsync(Actor(http), account_id, name, policies, cancellationToken);
        return CloudflareResults.Ok(await userGroups.ViewAsync(group, cancellationToken));
    }

    private static async Task<Envelope<UserGroupView>> Update(
        string account_id,
        string user_group_id,
        HttpContext http,
        AccountUserGroups userGroups,
        CancellationToken cancellationToken
    )
    {
        var group = await userGroups.FindAsync(account_id, user_group_id, cancellationToken);
        var body = await AdminRequests.ReadObjectAsync(http.Request);
        var policies = body["policies"] is null ? null : AdminRequests.Policies(body["policies"]);
        await userGroups.UpdateAsync(Actor(http), group, AdminRequests.Text(body, "name"), policies, cancellationToken);
        return CloudflareResults.Ok(await userGroups.ViewAsync(group, cancellationToken));
    }

    private static async Task<Envelope<IdView>> Delete(
        string account_id,
        string user_group_id,
        HttpContext http,
        AccountUserGroups userGroups,
        CancellationToken cancellationToken
    )
    {
        var group = await userGroups.FindAsync(account_id, user_group_id, cancellationToken);
        await userGroups.DeleteAsync(Actor(http), group, cancellationToken);
        return CloudflareResults.Ok(new IdView(group.Id));
    }

    private static async Task<Envelope<List<UserGroupMemberView>>> ListMembers(
        string account_id,
        string user_group_id,
        [AsParameters] PageQuery query,
        AccountUserGroups userGroups,
        ScimDbContext db,
        CancellationToken cancellationToken
    )
    {
        var group = await userGroups.FindAsync(account_id, user_group_id, cancellationToken);
        var (page, perPage) = query.Resolve(100, 1, 500);
        var members = db
            .UserGroupMembers.AsNoTracking()
            .Where(gm => gm.UserGroupKey == group.Key)
            .Join(
                db.Members,
                gm => gm.UserKey,
                m => m.UserKey,
                (gm, m) =>
                    new
                    {
                        m.Id,
                        m.Status,
                        gm.User.UserName,
                        gm.UserKey,
                    }
            );
        var total = await members.CountAsync(cancellationToken);
        var items = await members.OrderBy(m => m.UserKey).Skip((page - 1) * perPage).Take(perPage).ToListAsync(cancellationToken);
        return CloudflareResults.Ok(
            items.Select(m => new UserGroupMemberView(m.Id, m.UserName, m.Status)).ToList(),
            PageQuery.Info(page, perPage, items.Count, total)
        );
    }

    private static Task<Envelope<UserGroupView>> AddMembers(
        string account_id,
        string user_group_id,
        HttpContext http,
        AccountUserGroups userGroups,
        CancellationToken cancellationToken
    ) => ChangeMembersAsync(account_id, user_group_id, http, userGroups, ids => new AddMembers(ids), cancellationToken);

    private static Task<Envelope<UserGroupView>> ReplaceMembers(
        string account_id,
        string user_group_id,
        HttpContext http,
        AccountUserGroups userGroups,
        CancellationToken cancellationToken
    ) => ChangeMembersAsync(account_id, user_group_id, http, userGroups, ids => new Domain.Groups.ReplaceMembers(ids), cancellationToken);

    private static async Task<Envelope<UserGroupView>> ChangeMembersAsync(
        string accountId,
        string groupId,
        HttpContext http,
        AccountUserGroups userGroups,
        Func<IReadOnlyList<string>, MembershipChange> change,
        CancellationToken cancellationToken
    )
    {
        var group = await userGroups.FindAsync(accountId, groupId, cancellationToken);
        var body = await AdminRequests.ReadAsync(http.Request);
        // Cloudflare's SDK wraps the bare array as {"members": […]}; accept both.
        var memberIds = AdminRequests.Ids(body is JsonObject wrapper ? wrapper["members"] : body, "members");
        await userGroups.ChangeMembersAsync(Actor(http), group, memberIds, change, cancellationToken);
        return CloudflareResults.Ok(await userGroups.ViewAsync(group, cancellationToken));
    }

    private static async Task<Results<Envelope<IdView>, EnvelopeNotFound>> RemoveMember(
        string account_id,
        string user_group_id,
        string member_id,
        HttpContext http,
        AccountUserGroups userGroups,
        CancellationToken cancellationToken
    )
    {
        var group = await userGroups.FindAsync(account_id, user_group_id, cancellationToken);
        if (!await userGroups.RemoveMemberAsync(Actor(http), group, member_id, cancellationToken))
        {
            return CloudflareResults.NotFound("Member not found.");
        }

        return CloudflareResults.Ok(new IdView(member_id));
    }

    private static Actor Actor(HttpContext http) => new(http.User.TokenId()!);
}
