using System.Text.Json;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Changes;

namespace ScimProvisioning.Domain.Events;

/// <summary>
/// The events a change description announces (docs/events.md). RFC 9967 names the provisioning events
/// (<c>urn:ietf:params:scim:event:prov:*</c>); members, policies and the lockout guard are this server's own URIs.
/// </summary>
public static class ProvisioningEvents
{
    public const string Prov = "urn:ietf:params:scim:event:prov:";
    public const string Create = Prov + "create";
    public const string Put = Prov + "put";
    public const string Patch = Prov + "patch";
    public const string Delete = Prov + "delete";
    public const string Activate = Prov + "activate";
    public const string Deactivate = Prov + "deactivate";

    public const string Own = "urn:scimprovisioning:event:";
    public const string MemberProvisioned = Own + "member:provisioned";
    public const string MemberDeprovisioned = Own + "member:deprovisioned";
    public const string PolicyAttached = Own + "policy:attached";
    public const string PolicyDetached = Own + "policy:detached";
    public const string LockoutRefused = Own + "guard:lockout-refused";

    /// <summary>Every URI this server emits; qualified ones come as <c>:notice</c> and <c>:full</c>.</summary>
    public static IReadOnlyList<string> Uris { get; } =
    [
        Create + ":notice",
        Create + ":full",
        Put + ":notice",
        Put + ":full",
        Patch + ":notice",
        Patch + ":full",
        Delete,
        Activate,
        Deactivate,
        MemberProvisioned,
        MemberDeprovisioned,
        PolicyAttached,
        PolicyDetached,
        LockoutRefused,
    ];

    /// <summary>Whether the URI takes the RFC 9967 <c>:notice</c>/<c>:full</c> qualifier.</summary>
    public static bool IsQualified(string type) => type is Create or Put or Patch;

    public static List<OutboxEvent> For(ChangeDescription change, DateTime now)
    {
        var txn = Identifiers.NewTag();
        var types = new List<string>();
        if (change.Refusal is not null)
        {
            if (change.Rules.Contains(ProvisioningRules.LockoutGuard))
            {
                types.Add(LockoutRefused);
            }
        }
        else if (
            !change.IsEmpty
            || change.Operation
                is AuditActions.CreateScimUser
                    or AuditActions.CreateScimGroup
                    or AuditActions.DeleteScimUser
                    or AuditActions.DeleteScimGroup
                    or AuditActions.DeleteUserGroup
        )
        {
            types.AddRange(Kinds(change));
        }

        return types
            .Select(type => new OutboxEvent
            {
                Id = Identifiers.NewTag(),
                AccountId = change.AccountId,
                Txn = txn,
                OccurredAt = now,
                Type = type,
                ResourceType = change.ResourceType,
                ResourceId = change.ResourceId,
                ResourceName = change.ResourceName,
                Attributes = JsonSerializer.Serialize(change.Attributes),
                Details = JsonSerializer.Serialize(
                    new
                    {
                        operation = change.Operation,
                        membersAdded = change.MembersAdded,
                        membersRemoved = change.MembersRemoved,
                        policiesAttached = change.PoliciesAttached,
                        policiesDetached = change.PoliciesDetached,
                        rules = change.Rules,
                        refusal = change.Refusal,
                    }
                ),
            })
            .ToList();
    }

    private static IEnumerable<string> Kinds(ChangeDescription change)
    {
        var provisioned = change.Rules.Contains(ProvisioningRules.MemberProvisioned);
        var deprovisioned = change.Rules.Contains(ProvisioningRules.MemberDeprovisioned);
        switch (change.Operation)
        {
            case AuditActions.CreateScimUser or AuditActions.CreateScimGroup or AuditActions.CreateUserGroup:
                yield return Create;
                break;
            case AuditActions.ReplaceScimUser:
                yield return Put;
                break;
            case AuditActions.UpdateScimUser or AuditActions.UpdateScimGroup or AuditActions.UpdateUserGroupMembers:
                yield return Patch;
                break;
            case AuditActions.UpdateUserGroup or AuditActions.UpdateMember when change.Attributes.Contains("Policies"):
                if (change.PoliciesAttached > 0)
                {
                    yield return PolicyAttached;
                }

                if (change.PoliciesDetached > 0)
                {
                    yield return PolicyDetached;
                }

                break;
            case AuditActions.UpdateUserGroup:
                yield return Patch;
                break;
            case AuditActions.DeleteScimUser or AuditActions.DeleteScimGroup or AuditActions.DeleteUserGroup:
                yield return Delete;
                break;
        }

        if (
            change.ResourceType == Users.UserProvisioning.ResourceType
            && change.Operation is AuditActions.ReplaceScimUser or AuditActions.UpdateScimUser
        )
        {
            if (provisioned)
            {
                yield return Activate;
            }
            else if (deprovisioned)
            {
                yield return Deactivate;
            }
        }

        if (provisioned)
        {
            yield return MemberProvisioned;
        }
        else if (deprovisioned)
        {
            yield return MemberDeprovisioned;
        }
    }
}
