using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimProvisioning.Domain.Permissions;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class PolicyConfiguration : IEntityTypeConfiguration<Policy>
{
    public void Configure(EntityTypeBuilder<Policy> builder)
    {
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).HasMaxLength(32);
        builder.Property(p => p.Access).HasConversion<string>().HasMaxLength(8);
        builder.HasIndex(p => p.AccountId);
        builder.HasIndex(p => p.MemberId);
        builder.HasIndex(p => p.UserGroupKey);
        builder.HasOne<Groups.UserGroup>().WithMany().HasForeignKey(p => p.UserGroupKey).OnDelete(DeleteBehavior.Cascade);
        // Deprovisioning deletes the member, and with it its direct policies (SPEC §2.1 rule 2).
        builder.HasOne(p => p.Member).WithMany().HasForeignKey(p => p.MemberId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(p => p.ResourceGroup).WithMany().HasForeignKey(p => p.ResourceGroupId).OnDelete(DeleteBehavior.Restrict);
    }
}
