using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Api.Admin;

/// <summary>Cloudflare's account members API (<c>/client/v4/accounts/{id}/members</c>) and the effective-permissions extension.</summary>
public static class MemberEndpoints
{
    public static RouteGroupBuilder MapAdminMembers(this RouteGroupBuilder accounts)
    {
        var members = accounts.MapGroup("/members").WithTags("Account members");
        members
            .MapGet("", ListMembers)
            .RequireAuthorization(Policies.AccountRead)
            .WithName("ListAccountMembers")
            .WithSummary("List account members (Cloudflare envelope, page/per_page)");
        members
            .MapGet("/{member_id}", GetMember)
            .RequireAuthorization(Policies.AccountRead)
            .WithName("GetAccountMember")
            .WithSummary("Get one account member");
        members
            .MapPost("", AddMember)
            .RequireAuthorization(Policies.AccountWrite)
            .WithName("AddAccountMember")
            .WithSummary("Add a member the traditional way: {email, roles:[id…]} or {email, policies:[…]}");
        members
            .MapPut("/{member_id}", UpdateMember)
            .RequireAuthorization(Policies.AccountWrite)
            .WithName("UpdateAccountMember")
            .WithSummary(
                "Replace a member's direct policies: {roles:[id or {id}…]} (account scope) or {policies:[…]}. "
                    + "Works with the SCIM token (Cloudflare's Super Administrator recovery)."
            );
        members
            .MapDelete("/{member_id}", RemoveMember)
            .RequireAuthorization(Policies.AccountWrite)
            .WithName("RemoveAccountMember")
            .WithSummary("Remove a member from the account (its user is deprovisioned: active false)");
        members
            .MapGet("/{member_id}/effective_permissions", GetEffectivePermissions)
            .RequireAuthorization(Policies.AccountRead)
            .WithName("GetEffectivePermissions")
            .WithSummary("Extension (not in Cloudflare's API): every role the member holds, its scope and every source granting it");
        return members;
    }

    public sealed record MemberQuery(
        [property: FromQuery(Name = "page")] int? Page,
        [property: FromQuery(Name = "per_page")] int? PerPage,
        [property: FromQuery(Name = "status")] string? Status,
        // Extension for the dashboard: a case-insensitive substring of the member's email.
        [property: FromQuery(Name = "search")] string? Search = null
    );

    private static async Task<Envelope<List<MemberView>>> ListMembers(
        string account_id,
        [AsParameters] MemberQuery query,
        ScimDbContext db,
        AccountMembers accountMembers,
        EffectivePermissions permissions,
        CancellationToken cancellationToken
    )
    {
        var page = Math.Max(1, query.Page ?? 1);
        var perPage = Math.Clamp(query.PerPage ?? 20, 5, 50);
        var members = db.Members.AsNoTracking().Where(m => m.AccountId == account_id);
        if (!string.IsNullOrEmpty(query.Status))
        {
            members = members.Where(m => m.Status == query.Status);
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var search = ScimProvisioning.Domain.Identifiers.NormalizeKey(query.Search.Trim());
            members = members.Where(m => m.User.UserNameKey.Contains(search));
        }

        var total = await members.CountAsync(cancellationToken);
        var items = await members
            .OrderBy(m => m.Created)
            .ThenBy(m => m.Id)
            .Skip((page - 1) * perPage)
            .Take(perPage)
            .Include(m => m.User)
            .ToListAsync(cancellationToken);
        var policies = await accountMembers.PoliciesOfAsync(account_id, items.Select(m => m.Id).ToList(), cancellationToken);
        var userIds = items.Select(m => m.User.Id).ToList();
        var provisioned = (
            await db
                .AuditEvents.AsNoTracking()
                .Where(a =>
                    a.AccountId == account_id
                    && a.Action == AuditActions.CreateScimUser
                    && a.ResourceId != null
                    && userIds.Contains(a.ResourceId)
                )
                .Select(a => a.ResourceId!)
                .Distinct()
                .ToListAsync(cancellationToken)
        ).ToHashSet(StringComparer.Ordinal);
        // Roles held through groups show in the list too, with their source (a page is at most 50 members).
        var result = new List<MemberView>(items.Count);
        foreach (var m in items)
        {
            var roles = await permissions.ForMemberAsync(account_id, m.Id, cancellationToken) ?? [];
            result.Add(
                MemberView.From(m, policies[m.Id], provisioned.Contains(m.User.Id)) with
                {
                    EffectiveRoles = EffectivePermissionsView.From(m.Id, roles).Roles,
                }
            );
        }

        return CloudflareResults.Ok(result, new ResultInfo(page, perPage, result.Count, total, (total + perPage - 1) / perPage));
    }

    private static async Task<Results<Envelope<MemberView>, EnvelopeNotFound>> GetMember(
        string account_id,
        string member_id,
        ScimDbContext db,
        AccountMembers members,
        CancellationToken cancellationToken
    )
    {
        var member = await db
            .Members.AsNoTracking()
            .Include(m => m.User)
            .SingleOrDefaultAsync(m => m.AccountId == account_id && m.Id == member_id, cancellationToken);
        if (member is null)
        {
            return CloudflareResults.NotFound($"Member '{Short(member_id)}' not found.");
        }

        var policies = await members.PoliciesOfAsync(account_id, [member.Id], cancellationToken);
        return CloudflareResults.Ok(MemberView.From(member, policies[member.Id]));
    }

    private static async Task<Results<Envelope<EffectivePermissionsView>, EnvelopeNotFound>> GetEffectivePermissions(
        string account_id,
        string member_id,
        EffectivePermissions permissions,
        CancellationToken cancellationToken
    )
    {
        var roles = await permissions.ForMemberAsync(account_id, member_id, cancellationToken);
        if (roles is null)
        {
            return CloudflareResults.NotFound($"Member '{Short(member_id)}' not found.");
        }

        return CloudflareResults.Ok(EffectivePermissionsView.From(member_id, roles));
    }

    private static async Task<Envelope<MemberView>> AddMember(
        string account_id,
        HttpContext http,
        AccountMembers members,
        CancellationToken cancellationToken
    )
    {
        var body = await AdminRequests.ReadObjectAsync(http.Request);
        var email = AdminRequests.Text(body, "email");
        if (string.IsNullOrWhiteSpace(email) || !System.Net.Mail.MailAddress.TryCreate(email, out _))
        {
            throw AdminRequests.Invalid("A member needs a valid 'email'.", "email");
        }

        var member = await members.InviteAsync(Actor(http), account_id, email, MemberPolicyRequest.From(body), cancellationToken);
        return CloudflareResults.Ok(await members.ViewAsync(member, cancellationToken));
    }

    private static async Task<Results<Envelope<MemberView>, EnvelopeNotFound>> UpdateMember(
        string account_id,
        string member_id,
        HttpContext http,
        AccountMembers members,
        CancellationToken cancellationToken
    )
    {
        if (await members.FindAsync(account_id, member_id, cancellationToken) is not { } member)
        {
            return CloudflareResults.NotFound($"Member '{Short(member_id)}' not found.");
        }

        var body = await AdminRequests.ReadObjectAsync(http.Request);
        await members.ReplacePoliciesAsync(Actor(http), member, MemberPolicyRequest.From(body), cancellationToken);
        return CloudflareResults.Ok(await members.ViewAsync(member, cancellationToken));
    }

    private static async Task<Results<Envelope<IdView>, EnvelopeNotFound>> RemoveMember(
        string account_id,
        string member_id,
        HttpContext http,
        AccountMembers members,
        CancellationToken cancellationToken
    )
    {
        if (await members.FindAsync(account_id, member_id, cancellationToken) is not { } member)
        {
            return CloudflareResults.NotFound($"Member '{Short(member_id)}' not found.");
        }

        await members.RemoveAsync(Actor(http), member, cancellationToken);
        return CloudflareResults.Ok(new IdView(member_id));
    }

    private static Actor Actor(HttpContext http) => new(http.User.TokenId()!);

    private static string Short(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
