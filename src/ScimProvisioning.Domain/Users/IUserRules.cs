namespace ScimProvisioning.Domain.Users;

/// <summary>Which write a user goes through: the rules a compatibility profile adds differ between them.</summary>
public enum UserWriteKind
{
    ScimCreate,
    ScimReplace,
    ScimPatch,

    /// <summary>The admin API (member invitation and removal) and bootstrap: no profile rules apply.</summary>
    Admin,
}

/// <summary>
/// Rules on a user's values beyond the ones every user obeys (identifier text, unique userName): the compatibility
/// profile supplies them (Cloudflare: userName is an email equal to the primary email). <see cref="UserProvisioning"/>
/// asks them on every path, PATCH included.
/// </summary>
public interface IUserRules
{
    /// <summary>Throws a <see cref="DomainException"/> (kind Invalid) when the user breaks a rule.</summary>
    void Check(User user, UserWriteKind kind);
}

/// <summary>No rules beyond the common ones (the Standard profile).</summary>
public sealed class NoUserRules : IUserRules
{
    public static NoUserRules Instance { get; } = new();

    public void Check(User user, UserWriteKind kind) { }
}
