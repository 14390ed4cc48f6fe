using System.Text.Json;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Groups;
using ScimProvisioning.Domain.Members;
using ScimProvisioning.Domain.Permissions;

namespace ScimProvisioning.Api.Admin;

// The admin API's response objects, declared so Swagger shows their schemas. Property names are written in
// Cloudflare's snake_case by CloudflareEnvelope.JsonOptions (ScimProvisioned → scim_provisioned).

/// <summary>What a delete answers: the id of what is gone.</summary>
public sealed record IdView(string Id);

public sealed record ScopeObjectView(string Key);

/// <summary>A scope: <c>{key: com.cloudflare.api.account.&lt;id&gt;, objects: [{key}]}</c>.</summary>
public sealed record ScopeView(string Key, IReadOnlyList<ScopeObjectView> Objects)
{
    public static ScopeView From(ResourceGroup group) =>
        new(group.ScopeKey, group.ScopeObjects.Select(o => new ScopeObjectView(o)).ToList());

    public static string ScopeName(ScopeKind kind) =>
        kind switch
        {
            ScopeKind.Account => "com.cloudflare.api.account",
            ScopeKind.Domain => "com.cloudflare.api.account.zone",
            _ => "com.cloudflare.api.account.resource",
        };
}

public sealed record RoleMetaView(string Label, string Scopes);

public sealed record PolicyRoleView(string Id, string Name, RoleMetaView Meta);

public sealed record PolicyResourceGroupView(string Id, string Name, ScopeView Scope);

/// <summary>Cloudflare's policy object.</summary>
public sealed record PolicyView(
    string Id,
    string Access,
    IReadOnlyList<PolicyRoleView> PermissionGroups,
    IReadOnlyList<PolicyResourceGroupView> ResourceGroups
)
{
    public static PolicyView From(Policy policy) =>
        new(
            policy.Id,
            policy.Access.ToString().ToLowerInvariant(),
            policy
                .PermissionGroupIds.Select(PermissionGroupCatalog.Find)
                .OfType<PermissionGroup>()
                .Select(r => new PolicyRoleView(r.Id, r.Name, new RoleMetaView(r.Label, ScopeView.ScopeName(r.Scope))))
                .ToList(),
            [new PolicyResourceGroupView(policy.ResourceGroup.Id, policy.ResourceGroup.Name, ScopeView.From(policy.ResourceGroup))]
        );
}

public sealed record MemberUserView(string Id, string Email, string? FirstName, string? LastName, bool TwoFactorAuthenticationEnabled);

public sealed record MemberRoleView(string Id, string Name, string Description, IReadOnlyDictionary<string, string> Permissions);

/// <summary>Cloudflare's member object; <c>scim_provisioned</c> is an extension (the dashboard's SCIM badge).</summary>
public sealed record MemberView(
    string Id,
    string Email,
    string Status,
    bool? ScimProvisioned,
    MemberUserView User,
    IReadOnlyList<MemberRoleView> Roles,
    IReadOnlyList<PolicyView> Policies
)
{
    /// <summary>Extension, in lists: every role the member holds and where it comes from (direct, group, base grant).</summary>
    public IReadOnlyList<EffectiveRoleView>? EffectiveRoles { get; init; }

    public static MemberView From(Member member, IEnumerable<Policy> policies, bool? scimProvisioned = null)
    {
        var list = policies.ToList();
        return new MemberView(
            member.Id,
            member.User.UserName,
            member.Status,
            scimProvisioned,
            new MemberUserView(member.User.Id, member.User.UserName, member.User.GivenName, member.User.FamilyName, false),
            list.Where(p => p.Access == PolicyAccess.Allow)
                .SelectMany(p => p.PermissionGroupIds)
                .Distinct(StringComparer.Ordinal)
                .Select(PermissionGroupCatalog.Find)
                .OfType<PermissionGroup>()
                .Select(r => new MemberRoleView(r.Id, r.Name, r.Description, new Dictionary<string, string>()))
                .ToList(),
            list.Select(PolicyView.From).ToList()
        );
    }
}

public sealed record RoleSourceView(string Type, string? PolicyId, string? GroupId, string? GroupName);

public sealed record EffectiveRoleView(
    string Id,
    string Name,
    ScopeView Scope,
    string? ResourceGroupId,
    IReadOnlyList<RoleSourceView> Sources
);

/// <summary>Extension: every role a member holds, its scope and every source granting it.</summary>
public sealed record EffectivePermissionsView(string MemberId, IReadOnlyList<EffectiveRoleView> Roles)
{
    public static EffectivePermissionsView From(string memberId, IEnumerable<EffectiveRole> roles) =>
        new(
            memberId,
            roles
                .Select(r => new EffectiveRoleView(
                    r.Role.Id,
                    r.Role.Name,
                    ScopeView.From(r.Scope),
                    r.Scope.Id.Length == 0 ? null : r.Scope.Id,
                    r.Sources.Select(s => new RoleSourceView(s.Type, s.PolicyId, s.GroupId, s.GroupName)).ToList()
                ))
                .ToList()
        );
}

/// <summary>A user group with its policies; <c>scim_managed</c>, <c>system</c> and <c>member_count</c> are extensions.</summary>
public sealed record UserGroupView(
    string Id,
    string Name,
    DateTime CreatedOn,
    DateTime ModifiedOn,
    bool ScimManaged,
    bool System,
    int MemberCount,
    IReadOnlyList<PolicyView> Policies
)
{
    public static UserGroupView From(UserGroup group, int memberCount, IEnumerable<Policy> policies) =>
        new(
            group.Id,
            group.Name,
            group.Created,
            group.LastModified,
            group.IsScimManaged,
            group.IsSystem,
            memberCount,
            policies.Select(PolicyView.From).ToList()
        );
}

public sealed record UserGroupMemberView(string Id, string Email, string Status);

public sealed record ResourceGroupMetaView(string Key, string Kind);

public sealed record ResourceGroupView(string Id, string Name, ScopeView Scope, ResourceGroupMetaView Meta)
{
    public static ResourceGroupView From(ResourceGroup group) =>
        new(
            group.Id,
            group.Name,
            ScopeView.From(group),
            new ResourceGroupMetaView(group.ScopeKey, group.Kind.ToString().ToLowerInvariant())
        );
}

public sealed record PermissionGroupMetaView(string Label, string Scopes, string Description, string Editable);

public sealed record PermissionGroupView(string Id, string Name, PermissionGroupMetaView Meta)
{
    public static PermissionGroupView From(PermissionGroup role) =>
        new(role.Id, role.Name, new PermissionGroupMetaView(role.Label, ScopeView.ScopeName(role.Scope), role.Description, "false"));
}

public sealed record AuditActionView(string Type, string Result);

/// <summary>The token that acted, by id and (extension) by name; <c>system</c> for bootstrap and the CLI.</summary>
public sealed record AuditActorView(string TokenId, string? Name);

/// <summary>The resource, by id and (extension) by the name it had, as the summary records it.</summary>
public sealed record AuditResourceView(string Type, string? Id, string? Name);

/// <summary>One audit event; <c>summary</c> is the change description the write made.</summary>
public sealed record AuditEventView(
    string Id,
    DateTime When,
    AuditActionView Action,
    AuditActorView Actor,
    AuditResourceView Resource,
    JsonElement? Summary,
    string Description
)
{
    public static AuditEventView From(AuditEvent e, string? tokenName = null)
    {
        var summary = e.Summary is null ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(e.Summary);
        return new(
            e.Id,
            e.OccurredAt,
            new AuditActionView(e.Action, e.Outcome),
            new AuditActorView(e.ActorTokenId, tokenName),
            new AuditResourceView(e.ResourceType, e.ResourceId, AuditSentences.Name(summary)),
            summary,
            AuditSentences.Describe(e, summary, tokenName)
        );
    }
}
