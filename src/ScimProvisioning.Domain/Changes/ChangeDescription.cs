using ScimProvisioning.Domain.Audit;

namespace ScimProvisioning.Domain.Changes;

/// <summary>
/// What one write did, made by the domain entry point that did it: the resource, the operation (Cloudflare's audit
/// action), the attributes and members that changed, and the rules that fired. The audit log is built from it; a
/// refused write has one too, with <see cref="Refusal"/> set.
/// </summary>
public sealed record ChangeDescription(string AccountId, Actor Actor, string Operation, string ResourceType, string? ResourceId)
{
    /// <summary>The resource's name as people read it (userName, group name), when it has one.</summary>
    public string? ResourceName { get; init; }

    /// <summary>Entity attribute names whose stored value changed (empty for creations and deletions).</summary>
    public IReadOnlyList<string> Attributes { get; init; } = [];

    public int MembersAdded { get; init; }

    public int MembersRemoved { get; init; }

    /// <summary>Policies the write attached and detached (a replacement of a member's or group's policies).</summary>
    public int PoliciesAttached { get; init; }

    public int PoliciesDetached { get; init; }

    /// <summary>Member ids that named no user of the account: ignored, as Cloudflare does.</summary>
    public IReadOnlyList<string> IgnoredMemberIds { get; init; } = [];

    /// <summary>The rules that fired, by their <see cref="ProvisioningRules"/> name.</summary>
    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <summary>Why the write was refused; null when it was applied.</summary>
    public string? Refusal { get; init; }

    /// <summary>Facts particular to the operation (the admin API's member ids, a rename's old name).</summary>
    public object? Details { get; init; }

    /// <summary>A write that changed nothing (an unchanged PUT, a PATCH adding members already there).</summary>
    public bool IsEmpty =>
        Attributes.Count == 0
        && MembersAdded == 0
        && MembersRemoved == 0
        && !Rules.Any(r => r is ProvisioningRules.MemberProvisioned or ProvisioningRules.MemberDeprovisioned);

    public string Outcome => Refusal is null ? AuditActions.Success : AuditActions.Refused;

    /// <summary>The audit event's summary: the description without what the event row already holds.</summary>
    public object Summary() =>
        Refusal is not null
            ? new
            {
                name = ResourceName,
                reason = Refusal,
                rules = Rules,
            }
            : new
            {
                name = ResourceName,
                attributes = Attributes,
                membersAdded = MembersAdded,
                membersRemoved = MembersRemoved,
                ignoredMemberIds = IgnoredMemberIds,
                rules = Rules,
                details = Details,
            };

    public ChangeDescription WithRule(string rule) => Rules.Contains(rule) ? this : this with { Rules = [.. Rules, rule] };
}
