namespace ScimProvisioning.Scim.Schemas;

/// <summary>The User, EnterpriseUser and Group schemas of RFC 7643 §4 with their attribute characteristics.</summary>
public static class CoreSchemas
{
    private static ScimAttribute Str(
        string name,
        string description,
        bool caseExact = false,
        bool required = false,
        Mutability mutability = Mutability.ReadWrite,
        Returned returned = Returned.Default,
        Uniqueness uniqueness = Uniqueness.None,
        IReadOnlyList<string>? canonical = null
    ) =>
        new(
            name,
            ScimType.String,
            description,
            Required: required,
            CaseExact: caseExact,
            Mutability: mutability,
            Returned: returned,
            Uniqueness: uniqueness,
            CanonicalValues: canonical
        );

    private static ScimAttribute Bool(string name, string description) => new(name, ScimType.Boolean, description);

    private static ScimAttribute Ref(
        string name,
        string description,
        IReadOnlyList<string> types,
        Mutability mutability = Mutability.ReadWrite
    ) => new(name, ScimType.Reference, description, CaseExact: true, Mutability: mutability, ReferenceTypes: types);

    /// <summary>value, display, type, primary — the shape most multi-valued attributes share (RFC 7643 §2.4).</summary>
    private static ScimAttribute MultiValued(
        string name,
        string description,
        ScimType valueType,
        IReadOnlyList<string>? types = null,
        bool caseExactValue = false
    ) =>
        new(
            name,
            ScimType.Complex,
            description,
            MultiValued: true,
            SubAttributes:
            [
                new(
                    "value",
                    valueType,
                    $"The value of the {name} entry.",
                    CaseExact: caseExactValue,
                    ReferenceTypes: valueType == ScimType.Reference ? ["external"] : null
                ),
                Str("display", "A human-readable name, primarily used for display purposes.", mutability: Mutability.ReadWrite),
                Str("type", "A label indicating the attribute's function.", canonical: types),
                Bool("primary", "Whether this is the preferred value for the attribute; at most one value is primary."),
            ]
        );

    public static ScimAttribute Id { get; } =
        Str(
            "id",
            "Unique identifier for the resource, assigned by the service provider.",
            caseExact: true,
            mutability: Mutability.ReadOnly,
            returned: Returned.Always,
            uniqueness: Uniqueness.Server
        );

    public static ScimAttribute ExternalId { get; } =
        Str("externalId", "Identifier of the resource as defined by the provisioning client.", caseExact: true);

    public static ScimAttribute Meta { get; } =
        new(
            "meta",
            ScimType.Complex,
            "Resource metadata.",
            Mutability: Mutability.ReadOnly,
            SubAttributes:
            [
                Str("resourceType", "The name of the resource type of the resource.", caseExact: true, mutability: Mutability.ReadOnly),
                new("created", ScimType.DateTime, "When the resource was added to the service provider.", Mutability: Mutability.ReadOnly),
                new("lastModified", ScimType.DateTime, "When the resource was last modified.", Mutability: Mutability.ReadOnly),
                Ref("location", "The URI of the resource.", ["uri"], Mutability.ReadOnly),
                Str("version", "The version of the resource.", caseExact: true, mutability: Mutability.ReadOnly),
            ]
        );

    public static ScimSchema User { get; } =
        new(
            ScimSchemaUris.User,
            "User",
            "User Account",
            [
                Str(
                    "userName",
                    "Unique identifier for the User, used to authenticate; compared case-insensitively.",
                    required: true,
                    uniqueness: Uniqueness.Server
                ),
                new(
                    "name",
                    ScimType.Complex,
                    "The components of the user's real name.",
                    SubAttributes:
                    [
                        Str("formatted", "The full name, formatted for display."),
                        Str("familyName", "The family name of the User."),
                        Str("givenName", "The given name of the User."),
                        Str("middleName", "The middle name(s) of the User."),
                        Str("honorificPrefix", "The honorific prefix(es) of the User."),
                        Str("honorificSuffix", "The honorific suffix(es) of the User."),
                    ]
                ),
                Str("displayName", "The name of the User, suitable for display to end-users."),
                Str("nickName", "The casual way to address the user."),
                Ref("profileUrl", "A fully qualified URL pointing to a page representing the User's online profile.", ["external"]),
                Str("title", "The user's title, such as \"Vice President\"."),
                Str("userType", "Used to identify the relationship between the organization and the user."),
                Str("preferredLanguage", "The User's preferred written or spoken language (RFC 7231 Accept-Language)."),
                Str("locale", "The User's default location for localization (e.g. en-US)."),
                Str("timezone", "The User's time zone in IANA Time Zone database format."),
                Bool("active", "The User's administrative status; false removes the member from the account."),
                new(
                    "password",
                    ScimType.String,
                    "The User's cleartext password; write-only, never returned.",
                    Mutability: Mutability.WriteOnly,
                    Returned: Returned.Never
                ),
                MultiValued("emails", "Email addresses for the user.", ScimType.String, ["work", "home", "other"]),
                MultiValued(
                    "phoneNumbers",
                    "Phone numbers for the User.",
                    ScimType.String,
                    ["work", "home", "mobile", "fax", "pager", "other"]
                ),
                MultiValued(
                    "ims",
                    "Instant messaging addresses for the User.",
                    ScimType.String,
                    ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]
                ),
                MultiValued("photos", "URLs of photos of the User.", ScimType.Reference, ["photo", "thumbnail"], caseExactValue: true),
                new(
                    "addresses",
                    ScimType.Complex,
                    "A physical mailing address for this User.",
                    MultiValued: true,
                    SubAttributes:
                    [
                        Str("formatted", "The full mailing address, formatted for display."),
                        Str("streetAddress", "The full street address component."),
                        Str("locality", "The city or locality component."),
                        Str("region", "The state or region component."),
                        Str("postalCode", "The zip code or postal code component."),
                        Str("country", "The country name component (ISO 3166-1 alpha-2)."),
                        Str("type", "A label indicating the attribute's function.", canonical: ["work", "home", "other"]),
                        Bool("primary", "Whether this is the preferred mailing address."),
                    ]
                ),
                new(
                    "groups",
                    ScimType.Complex,
                    "The groups the user belongs to; managed through the Group resource.",
                    MultiValued: true,
                    Mutability: Mutability.ReadOnly,
                    SubAttributes:
                    [
                        Str("value", "The identifier of the User's group.", caseExact: true, mutability: Mutability.ReadOnly),
                        Ref("$ref", "The URI of the corresponding Group resource.", ["Group"], Mutability.ReadOnly),
                        Str("display", "A human-readable name of the group.", mutability: Mutability.ReadOnly),
                        Str("type", "How the membership was derived.", mutability: Mutability.ReadOnly, canonical: ["direct", "indirect"]),
                    ]
                ),
                MultiValued("entitlements", "A list of entitlements for the User.", ScimType.String),
                MultiValued("roles", "A list of roles for the User (SCIM attribute; not Cloudflare roles).", ScimType.String),
                MultiValued("x509Certificates", "A list of certificates issued to the User.", ScimType.Binary, caseExactValue: true),
            ]
        );

    /// <summary>
    /// The User schema as the Cloudflare profile serves it: <c>groups</c> is an array of group id strings there
    /// (Cloudflare's shape), so <c>/Schemas</c> says so instead of describing RFC complex values it never returns.
    /// </summary>
    public static ScimSchema CloudflareUser { get; } =
        User with
        {
            Attributes =
            [
                .. User.Attributes.Select(a =>
                    a.Name == "groups"
                        ? new ScimAttribute(
                            "groups",
                            ScimType.String,
                            "The ids of the groups the user belongs to (Cloudflare's shape); managed through the Group resource.",
                            MultiValued: true,
                            CaseExact: true,
                            Mutability: Mutability.ReadOnly
                        )
                        : a
                ),
            ],
        };

    public static ScimSchema EnterpriseUser { get; } =
        new(
            ScimSchemaUris.EnterpriseUser,
            "EnterpriseUser",
            "Enterprise User",
            [
                Str("employeeNumber", "Numeric or alphanumeric identifier assigned to a person."),
                Str("costCenter", "Identifies the name of a cost center."),
                Str("organization", "Identifies the name of an organization."),
                Str("division", "Identifies the name of a division."),
                Str("department", "Identifies the name of a department."),
                new(
                    "manager",
                    ScimType.Complex,
                    "The User's manager.",
                    SubAttributes:
                    [
                        Str("value", "The id of the SCIM resource representing the User's manager.", caseExact: true),
                        Ref("$ref", "The URI of the SCIM resource representing the User's manager.", ["User"]),
                        Str("displayName", "The displayName of the User's manager.", mutability: Mutability.ReadOnly),
                    ]
                ),
            ]
        );

    public static ScimSchema Group { get; } =
        new(
            ScimSchemaUris.Group,
            "Group",
            "Group",
            [
                Str(
                    "displayName",
                    "A human-readable name for the Group; unique per account, compared case-insensitively.",
                    required: true,
                    uniqueness: Uniqueness.Server
                ),
                new(
                    "members",
                    ScimType.Complex,
                    "A list of members of the Group.",
                    MultiValued: true,
                    SubAttributes:
                    [
                        Str("value", "Identifier of the member of this Group.", caseExact: true, mutability: Mutability.Immutable),
                        Ref("$ref", "The URI of the corresponding member resource.", ["User"], Mutability.Immutable),
                        Str("display", "A human-readable name of the member.", mutability: Mutability.ReadOnly),
                        Str("type", "The type of the member.", mutability: Mutability.Immutable, canonical: ["User"]),
                    ]
                ),
            ]
        );

    public static ScimResourceType UserResource { get; } = new("User", "/Users", "User Account", User, [EnterpriseUser]);

    public static ScimResourceType GroupResource { get; } = new("Group", "/Groups", "Group", Group, []);
}
