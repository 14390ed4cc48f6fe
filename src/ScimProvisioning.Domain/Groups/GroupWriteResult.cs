using ScimProvisioning.Domain.Changes;

namespace ScimProvisioning.Domain.Groups;

/// <summary>A group write's result: the group as stored and what the write did (member ids naming no user are ignored and
/// listed).</summary>
public sealed record GroupWriteResult(UserGroup Group, ChangeDescription Change);
