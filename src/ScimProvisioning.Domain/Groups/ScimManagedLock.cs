using ScimProvisioning.Domain.Changes;

namespace ScimProvisioning.Domain.Groups;

/// <summary>
/// SPEC §2.1 rule 8: a SCIM-managed group's name, membership and existence change only through SCIM (Cloudflare locks
/// them in the dashboard and API); its policies can still be edited. System groups are locked the same way.
/// <see cref="GroupProvisioning"/> asks it in every admin write, so no caller has to.
/// </summary>
public static class ScimManagedLock
{
    /// <param name="what">What the admin write would change: "name", "membership" or "existence".</param>
    public static void EnsureAdminMayChange(UserGroup group, string what)
    {
        if (group.IsSystem || group.IsScimManaged)
        {
            throw new DomainException(
                DomainErrorKind.Immutable,
                $"'{group.Name}' is managed by SCIM: its {what} can only be changed by the identity provider. "
                    + "Its policies can still be edited.",
                rule: ProvisioningRules.ScimManagedLock
            );
        }
    }
}
