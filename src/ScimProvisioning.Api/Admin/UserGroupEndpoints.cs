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

    private static async Task<UserGroupView> ViewAsync(ScimDbContext db, UserGroup group, CancellationToken cancellationToken)
    {
        var policies = await db
            .Policies.AsNoTracking()
            .Include(p => p.ResourceGroup)
            .Where(p => p.UserGroupKey == group.Key)
            .OrderBy(p => p.Created)
            .ToListAsync(cancellationToken);
        var memberCount = await db.UserGroupMembers.CountAsync(m => m.UserGroupKey == group.Key, cancellationToken);
        return UserGroupView.From(group, memberCount, policies);
    }

    private static async Task<Envelope<List<UserGroupView>>> List(
        string account_id,
        [AsParameters] Query query,
        ScimDbContext db,
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
            views.Add(await ViewAsync(db, group, cancellationToken));
        }

        return CloudflareResults.Ok(views, PageQuery.Info(page, perPage, views.Count, total));
    }

    private static async Task<Envelope<UserGroupView>> Get(
        string account_id,
        string user_group_id,
        GroupProvisioning groups,
        ScimDbContext db,
        CancellationToken cancellationToken
    )
    {
        var group = await FindAsync(groups, account_id, user_group_id, cancellationToken);
        return CloudflareResults.Ok(await ViewAsync(db, group, cancellationToken));
    }

    private static async Task<Envelope<UserGroupView>> Create(
        string account_id,
        HttpContext http,
        GroupProvisioning groups,
        PolicyAssignments assignments,
        ScimDbContext db,
        CancellationToken cancellationToken
    )
    {
        var body = await AdminRequests.ReadObjectAsync(http.Request);
        var name = AdminRequests.Text(body, "name") ?? throw AdminRequests.Invalid("A user group needs a 'name'.", "name");
        var policies = body["policies"] is null ? [] : AdminRequests.Policies(body["policies"]);
        var group = await groups.CreateCustomAsync(Actor(http), account_id, name, policies, assignments, cancellationToken);
        return CloudflareResults.Ok(await ViewAsync(db, group, cancellationToken));
    }

    private static async Task<Envelope<UserGroupView>> Update(
        string account_id,
        string user_group_id,
        HttpContext http,
        GroupProvisioning groups,
        PolicyAssignments assignments,
        ScimDbContext db,
        CancellationToken cancellationToken
    )
    {
        var group = await FindAsync(groups, account_id, user_group_id, cancellationToken);
        var body = await AdminRequests.ReadObjectAsync(http.Request);
        var policies = body["policies"] is null ? null : AdminRequests.Policies(body["policies"]);
        if (AdminRequests.Text(body, "name") is { } name)
        {
            await groups.RenameAsync(Actor(http), group, name, cancellationToken);
        }

        if (policies is not null)
        {
            await assignments.ReplaceGroupPoliciesAsync(Actor(http), group, policies, AuditActions.UpdateUserGroup, cancellationToken);
        }

        return CloudflareResults.Ok(await ViewAsync(db, group, cancellationToken));
    }

    private static async Task<Envelope<IdView>> Delete(
        string account_id,
        string user_group_id,
        HttpContext http,
        GroupProvisioning groups,
        CancellationToken cancellationToken
    )
    {
        var group = await FindAsync(groups, account_id, user_group_id, cancellationToken);
        await groups.DeleteCustomAsync(Actor(http), group, cancellationToken);
        return CloudflareResults.Ok(new IdView(group.Id));
    }

    private static async Task<Envelope<List<UserGroupMemberView>>> ListMembers(
        string account_id,
        string user_group_id,
        [AsParameters] PageQuery query,
        GroupProvisioning groups,
        ScimDbContext db,
        CancellationToken cancellationToken
    )
    {
        var group = await FindAsync(groups, account_id, user_group_id, cancellationToken);
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
        GroupProvisioning groups,
        ScimDbContext db,
        CancellationToken cancellationToken
    ) => ChangeMembersAsync(account_id, user_group_id, http, groups, db, ids => new AddMembers(ids), cancellationToken);

    private static Task<Envelope<UserGroupView>> ReplaceMembers(
        string account_id,
        string user_group_id,
        HttpContext http,
        GroupProvisioning groups,
        ScimDbContext db,
        CancellationToken cancellationToken
    ) => ChangeMembersAsync(account_id, user_group_id, http, groups, db, ids => new Domain.Groups.ReplaceMembers(ids), cancellationToken);

    private static async Task<Envelope<UserGroupView>> ChangeMembersAsync(
        string accountId,
        string groupId,
        HttpContext http,
        GroupProvisioning groups,
        ScimDbContext db,
        Func<IReadOnlyList<string>, MembershipChange> change,
        CancellationToken cancellationToken
    )
    {
        var group = await FindAsync(groups, accountId, groupId, cancellationToken);
        var body = await AdminRequests.ReadAsync(http.Request);
        // Cloudflare's SDK wraps the bare array as {"members": […]}; accept both.
        var memberIds = AdminRequests.Ids(body is JsonObject wrapper ? wrapper["members"] : body, "members");
        var userIds = await UserIdsOfMembersAsync(db, accountId, memberIds, cancellationToken);
        if (userIds.Count != memberIds.Distinct(StringComparer.Ordinal).Count())
        {
            throw new DomainException(DomainErrorKind.Invalid, "Every id must be an account member id of this account.", "members");
        }

        await groups.ChangeMembersAsync(Actor(http), group, change(userIds), new { memberIds }, cancellationToken);
        return CloudflareResults.Ok(await ViewAsync(db, group, cancellationToken));
    }

    private static async Task<Results<Envelope<IdView>, EnvelopeNotFound>> RemoveMember(
        string account_id,
        string user_group_id,
        string member_id,
        HttpContext http,
        GroupProvisioning groups,
        ScimDbContext db,
        CancellationToken cancellationToken
    )
    {
        var group = await FindAsync(groups, account_id, user_group_id, cancellationToken);
        var userIds = await UserIdsOfMembersAsync(db, account_id, [member_id], cancellationToken);
        if (userIds.Count == 0)
        {
            return CloudflareResults.NotFound("Member not found.");
        }

        await groups.ChangeMembersAsync(
            Actor(http),
            group,
            new RemoveMembers(userIds),
            new { removedMemberId = member_id },
            cancellationToken
        );
        return CloudflareResults.Ok(new IdView(member_id));
    }

    private static Task<List<string>> UserIdsOfMembersAsync(
        ScimDbContext db,
        string accountId,
        IReadOnlyList<string> memberIds,
        CancellationToken cancellationToken
    ) =>
        db
            .Members.AsNoTracking()
            .Where(m => m.AccountId == accountId && memberIds.Contains(m.Id))
            .Select(m => m.User.Id)
            .ToListAsync(cancellationToken);

    private static async Task<UserGroup> FindAsync(
        GroupProvisioning groups,
        string accountId,
        string id,
        CancellationToken cancellationToken
    ) =>
        await groups.FindAsync(accountId, id, cancellationToken) is { IsSystem: false } group
            ? group
            : throw DomainException.NotFound("User group not found.");

    private static Actor Actor(HttpContext http) => new(http.User.TokenId()!);
}
