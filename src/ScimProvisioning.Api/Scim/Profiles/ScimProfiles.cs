using ScimProvisioning.Api.Configuration;

namespace ScimProvisioning.Api.Scim.Profiles;

/// <summary>The one place the configured <c>Scim:Profile</c> becomes its profile type.</summary>
public static class ScimProfiles
{
    public static IScimProfile For(ScimProfile name) =>
        name switch
        {
            ScimProfile.Standard => StandardProfile.Instance,
            _ => CloudflareProfile.Instance,
        };
}
