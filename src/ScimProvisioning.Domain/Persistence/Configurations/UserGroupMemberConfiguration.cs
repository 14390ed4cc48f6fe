using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class UserGroupMemberConfiguration : IEntityTypeConfiguration<Groups.UserGroupMember>
{
    public void Configure(EntityTypeBuilder<Groups.UserGroupMember> builder)
    {
        builder.HasKey(m => new { m.UserGroupKey, m.UserKey });
        // Reverse lookups (a user's groups, the lockout guard) go by user.
        builder.HasIndex(m => m.UserKey);
        builder.HasOne(m => m.User).WithMany(u => u.GroupMemberships).HasForeignKey(m => m.UserKey).OnDelete(DeleteBehavior.Cascade);
    }
}
