namespace ScimProvisioning.Api.Recording;

/// <summary>Which identity provider a SCIM request looks like it came from (docs/idp/, ../shared/reference/idps.md).</summary>
public enum IdpDialect
{
    Unknown,
    Okta,

    /// <summary>Microsoft Entra ID's default behaviour: capitalised PATCH ops, booleans as strings.</summary>
    Entra,

    /// <summary>Entra with <c>?aadOptscim062020</c>: lower-case ops, one path-less replace with dotted keys.</summary>
    EntraCompat,
    Authentik,
}

/// <summary>The dialect a request was read as, and every reason that led there (shown to the IdP admin as is).</summary>
public sealed record DialectVerdict(IdpDialect Dialect, IReadOnlyList<string> Reasons);

public static class IdpDialectNames
{
    /// <summary>The name the log stores and the admin API filters by.</summary>
    public static string Name(this IdpDialect dialect) =>
        dialect switch
        {
            IdpDialect.Okta => "okta",
            IdpDialect.Entra => "entra",
            IdpDialect.EntraCompat => "entra-aadoptscim062020",
            IdpDialect.Authentik => "authentik",
            _ => "unknown",
        };
}
