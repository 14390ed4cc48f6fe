using ScimProvisioning.Scim.Patching;

namespace ScimProvisioning.Api.Scim.Profiles;

/// <summary>
/// Cloudflare's PATCH /Users semantics: only <c>replace</c> has an effect (add and remove are accepted and ignored),
/// and <c>emails[type eq "work"].value</c> is an alias of userName.
/// </summary>
public static class CloudflarePatch
{
    public static IEnumerable<PatchOperation> Effective(IEnumerable<PatchOperation> operations) =>
        operations.Where(o => o.Op == PatchOp.Replace).Select(o => IsWorkEmailValue(o.Path) ? o with { Path = "userName" } : o);

    private static bool IsWorkEmailValue(string? path) =>
        path is not null
        && string.Equals(
            path.Replace(" ", "", StringComparison.Ordinal),
            "emails[typeeq\"work\"].value",
            StringComparison.OrdinalIgnoreCase
        );
}
