using System.Text.Json;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Changes;

namespace ScimProvisioning.Api.Admin;

/// <summary>
/// An audit event as one sentence a Cloudflare account owner reads ("jane@example.com provisioned with Minimal Account
/// Access by token Okta SCIM"): actors by token name, resources by name, what the rules did. The raw summary stays in
/// the event.
/// </summary>
public static class AuditSentences
{
    public static string Describe(AuditEvent e, JsonElement? summary, string? tokenName)
    {
        var actor = e.ActorTokenId == Actor.System.TokenId ? "the system" : $"token {tokenName ?? e.ActorTokenId}";
        var name = Name(summary) ?? e.ResourceId ?? e.ResourceType;
        if (e.Outcome != AuditActions.Success)
        {
            var reason = Text(summary, "reason");
            return $"{e.Action} of {name} by {actor} was refused" + (reason is null ? "" : $": {reason}");
        }

        var rules = Strings(summary, "rules");
        var attributes = Strings(summary, "attributes");
        var added = Number(summary, "membersAdded");
        var removed = Number(summary, "membersRemoved");
        var ignored = Strings(summary, "ignoredMemberIds").Count;
        var members = Members(added, removed, ignored);
        return e.Action switch
        {
            AuditActions.CreateScimUser when rules.Contains(ProvisioningRules.MemberProvisioned) =>
                $"{name} provisioned with Minimal Account Access by {actor}",
            AuditActions.CreateScimUser => $"{name} provisioned inactive (no account member) by {actor}",
            AuditActions.ReplaceScimUser or AuditActions.UpdateScimUser when rules.Contains(ProvisioningRules.MemberDeprovisioned) =>
                $"{name} deprovisioned by {actor}: member and its roles removed",
            AuditActions.ReplaceScimUser or AuditActions.UpdateScimUser when rules.Contains(ProvisioningRules.MemberProvisioned) =>
                $"{name} reactivated with Minimal Account Access by {actor}",
            AuditActions.ReplaceScimUser or AuditActions.UpdateScimUser => attributes.Count == 0
                ? $"{name} sent unchanged by {actor}"
                : $"{name} updated by {actor} ({string.Join(", ", attributes)})",
            AuditActions.DeleteScimUser => $"{name} deleted by {actor}",
            AuditActions.CreateScimGroup when rules.Contains(ProvisioningRules.GroupAdopted) =>
                $"group {name} adopted from the dashboard by {actor}" + (members is null ? "" : $": {members}"),
            AuditActions.CreateScimGroup => $"group {name} pushed by {actor}" + (members is null ? "" : $": {members}"),
            AuditActions.UpdateScimGroup or AuditActions.UpdateUserGroupMembers or AuditActions.UpdateUserGroup =>
                $"group {name} updated by {actor}"
                    + (members is null && attributes.Count == 0 ? " (no change)" : "")
                    + (attributes.Count > 0 ? $" ({string.Join(", ", attributes)})" : "")
                    + (members is null ? "" : $": {members}"),
            AuditActions.DeleteScimGroup or AuditActions.DeleteUserGroup => $"group {name} deleted by {actor}",
            AuditActions.CreateUserGroup => $"group {name} created by {actor}" + (members is null ? "" : $": {members}"),
            AuditActions.CreateAccount => $"account {name} created by {actor}",
            AuditActions.AddMember => $"{name} invited as a member by {actor}",
            AuditActions.UpdateMember => $"{name}'s roles changed by {actor}",
            AuditActions.RemoveMember => $"{name} removed from the account by {actor}",
            AuditActions.CreateToken => $"token {name} issued by {actor}",
            AuditActions.RevokeToken => $"token {name} revoked by {actor}",
            AuditActions.CreateResourceGroup => $"resource group {name} created by {actor}",
            AuditActions.UpdateResourceGroup => $"resource group {name} changed by {actor}",
            AuditActions.DeleteResourceGroup => $"resource group {name} deleted by {actor}",
            _ => $"{e.Action}: {name} by {actor}",
        };
    }

    /// <summary>The resource's name as the summary recorded it.</summary>
    public static string? Name(JsonElement? summary) => Text(summary, "name");

    private static string? Members(int added, int removed, int ignored)
    {
        var parts = new List<string>();
        if (added > 0)
        {
            parts.Add(added == 1 ? "1 member added" : $"{added} members added");
        }

        if (removed > 0)
        {
            parts.Add(removed == 1 ? "1 member removed" : $"{removed} members removed");
        }

        if (ignored > 0)
        {
            parts.Add(ignored == 1 ? "1 unknown member id ignored" : $"{ignored} unknown member ids ignored");
        }

        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    private static string? Text(JsonElement? summary, string property) =>
        summary is { ValueKind: JsonValueKind.Object } s
        && s.TryGetProperty(property, out var value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static int Number(JsonElement? summary, string property) =>
        summary is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty(property, out var value) && value.TryGetInt32(out var number)
            ? number
            : 0;

    private static List<string> Strings(JsonElement? summary, string property) =>
        summary is { ValueKind: JsonValueKind.Object } s
        && s.TryGetProperty(property, out var value)
        && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];
}
