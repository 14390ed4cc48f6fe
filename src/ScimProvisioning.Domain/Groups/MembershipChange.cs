using System.Linq.Expressions;

namespace ScimProvisioning.Domain.Groups;

/// <summary>
/// One change to a group's membership, applied set-based in the database: the cost follows the number of members
/// named, never the size of the group. User ids are SCIM user ids.
/// </summary>
public abstract record MembershipChange;

public sealed record AddMembers(IReadOnlyList<string> UserIds) : MembershipChange;

public sealed record RemoveMembers(IReadOnlyList<string> UserIds) : MembershipChange;

/// <summary>Removes the members a SCIM value filter selects (<c>members[value eq "…"]</c>).</summary>
public sealed record RemoveMatchingMembers(Expression<Func<UserGroupMember, bool>> Predicate) : MembershipChange;

public sealed record RemoveAllMembers : MembershipChange;

/// <summary>The group's members become exactly these.</summary>
public sealed record ReplaceMembers(IReadOnlyList<string> UserIds) : MembershipChange;

/// <summary>What a SCIM PUT or PATCH asks of a group; null means "leave as is".</summary>
public sealed record GroupUpdate(string? Name, bool ExternalIdGiven, string? ExternalId, IReadOnlyList<MembershipChange> Membership);
