using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Api.Admin;

/// <summary>
/// A member's direct policies as the members API takes them: <c>roles</c> (one account-wide allow policy, Cloudflare's
/// legacy shape) or <c>policies</c>.
/// </summary>
public sealed record MemberPolicyRequest(IReadOnlyList<PolicyDraft>? Policies, IReadOnlyList<string>? Roles)
{
    public static MemberPolicyRequest From(JsonNode body)
    {
        if (body["policies"] is not null)
        {
            return new MemberPolicyRequest(AdminRequests.Policies(body["policies"]), null);
        }

        if (body["roles"] is null)
        {
            throw AdminRequests.Invalid("Send either 'roles' (ids or {\"id\"} objects) or 'policies'.", "roles");
        }

        return new MemberPolicyRequest(null, AdminRequests.Ids(body["roles"], "roles"));
    }
}

/// <summary>
/// The members API's application service: invitations, policy replacement and removal through the domain entry points
/// (<see cref="UserProvisioning"/> with <see cref="UserWriteKind.Admin"/>, <see cref="PolicyAssignments"/>), and the
/// member as the API shows it.
/// </summary>
public sealed class AccountMembers(UserProvisioning users, PolicyAssignments assignments, ScimDbContext db)
{
    /// <summary>The member with its user, tracked to be changed; null when the account has no such member.</summary>
    public Task<Member?> FindAsync(string accountId, string memberId, CancellationToken cancellationToken) =>
        db.Members.Include(m => m.User).SingleOrDefaultAsync(m => m.AccountId == accountId && m.Id == memberId, cancellationToken);

    /// <summary>A new member the traditional way: a user with that email, its member, then its direct policies.</summary>
    public async Task<Member> InviteAsync(
        Actor actor,
        string accountId,
        string email,
        MemberPolicyRequest request,
        CancellationToken cancellationToken
    )
    {
        var drafts = await DraftsAsync(accountId, request, cancellationToken);
        await assignments.BuildAsync(accountId, drafts, cancellationToken); // validate before anything is written
        db.ChangeTracker.Clear();
        var user = users.NewUser(accountId, email);
        await users.CreateAsync(actor, user, UserWriteKind.Admin, cancellationToken, AuditActions.AddMember);
        var member = await db.Members.Include(m => m.User).SingleAsync(m => m.UserKey == user.Key, cancellationToken);
        await assignments.ReplaceMemberPoliciesAsync(actor, member, drafts, AuditActions.UpdateMember, cancellationToken);
        return member;
    }

    /// <summary>Replaces the member's direct policies as a whole (through the lockout guard).</summary>
    public async Task<Member> ReplacePoliciesAsync(
        Actor actor,
        Member member,
        MemberPolicyRequest request,
        CancellationToken cancellationToken
    )
    {
        var drafts = await DraftsAsync(member.AccountId, request, cancellationToken);
        await assignments.ReplaceMemberPoliciesAsync(actor, member, drafts, AuditActions.UpdateMember, cancellationToken);
        return member;
    }

    /// <summary>Removes the member: its user is deprovisioned (active false), guarded like a SCIM deprovisioning.</summary>
    public async Task RemoveAsync(Actor actor, Member member, CancellationToken cancellationToken)
    {
        var user = await db
            .Users.Include(u => u.Emails)
            .Include(u => u.MultiValues)
            .AsSplitQuery()
            .SingleAsync(u => u.Key == member.UserKey, cancellationToken);
        user.Active = false;
        await users.UpdateAsync(actor, user, UserWriteKind.Admin, AuditActions.RemoveMember, cancellationToken);
    }

    public async Task<MemberView> ViewAsync(Member member, CancellationToken cancellationToken)
    {
        var policies = await PoliciesOfAsync(member.AccountId, [member.Id], cancellationToken);
        return MemberView.From(member, policies[member.Id]);
    }

    public async Task<ILookup<string, Policy>> PoliciesOfAsync(
        string accountId,
        List<string> memberIds,
        CancellationToken cancellationToken
    ) =>
        (
            await db
                .Policies.AsNoTracking()
                .Include(p => p.ResourceGroup)
                .Where(p => p.AccountId == accountId && p.MemberId != null && memberIds.Contains(p.MemberId))
                .ToListAsync(cancellationToken)
        ).ToLookup(p => p.MemberId!);

    /// <summary>Roles become one allow policy at the account's own scope (created with the policy when missing).</summary>
    private async Task<IReadOnlyList<PolicyDraft>> DraftsAsync(
        string accountId,
        MemberPolicyRequest request,
        CancellationToken cancellationToken
    )
    {
        if (request.Policies is not null)
        {
            return request.Policies;
        }

        if (request.Roles is not { Count: > 0 } roles)
        {
            return [];
        }

        var accountScope = await db
            .ResourceGroups.AsNoTracking()
            .Where(r => r.AccountId == accountId && r.ScopeKey == ResourceGroup.AccountScopeKey(accountId))
            .OrderBy(r => r.Created)
            .ToListAsync(cancellationToken);
        var scope = accountScope.FirstOrDefault(r => r.Kind == ScopeKind.Account);
        return
        [
            new PolicyDraft(
                PolicyAccess.Allow,
                roles,
                scope?.Id,
                scope is null ? new ScopeDraft(ResourceGroup.AccountScopeKey(accountId), ["*"]) : null
            ),
        ];
    }
}
