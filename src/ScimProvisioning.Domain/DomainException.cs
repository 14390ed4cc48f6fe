namespace ScimProvisioning.Domain;

public enum DomainErrorKind
{
    NotFound,
    Conflict,
    Invalid,
    LockoutRefused,
    PreconditionFailed,

    /// <summary>The thing cannot change this way (a system group's name, a SCIM-managed group through the admin API).</summary>
    Immutable,

    /// <summary>The caller may not do this (a token asking for permissions it does not hold).</summary>
    Forbidden,
}

/// <summary>A business rule refused a change. The HTTP layer maps the kind to a SCIM error or a Cloudflare envelope.</summary>
/// <param name="rule">The rule that refused, by its <see cref="Changes.ProvisioningRules"/> name, where one did.</param>
public sealed class DomainException(DomainErrorKind kind, string message, string? field = null, string? rule = null) : Exception(message)
{
    public DomainErrorKind Kind { get; } = kind;

    /// <summary>The attribute the refusal concerns, where there is one.</summary>
    public string? Field { get; } = field;

    public string? Rule { get; } = rule;

    /// <summary>The refused write's change description, where the refusal was audited (the lockout guard).</summary>
    public Changes.ChangeDescription? Refusal { get; init; }

    public static DomainException NotFound(string what) => new(DomainErrorKind.NotFound, what);
}
