using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimProvisioning.Domain.Accounts;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class UserGroupConfiguration : IEntityTypeConfiguration<Groups.UserGroup>
{
    public void Configure(EntityTypeBuilder<Groups.UserGroup> builder)
    {
        builder.HasKey(g => g.Key);
        builder.Property(g => g.Key).ValueGeneratedOnAdd();
        builder.Property(g => g.Id).HasMaxLength(64);
        builder.Property(g => g.Name).HasMaxLength(512);
        builder.Property(g => g.NameKey).HasMaxLength(512);
        builder.Ignore(g => g.IsSystem);
        builder.HasIndex(g => new { g.AccountId, g.Id }).IsUnique();
        // displayName is unique per account, case-insensitively (SPEC §2.1 rule 9).
        builder.HasIndex(g => new { g.AccountId, g.NameKey }).IsUnique();
        builder.HasIndex(g => new { g.AccountId, g.Key });
        builder.Property(g => g.Version).IsConcurrencyToken();
        builder.HasOne<Account>().WithMany().HasForeignKey(g => g.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(g => g.Members).WithOne(m => m.Group).HasForeignKey(m => m.UserGroupKey).OnDelete(DeleteBehavior.Cascade);
    }
}
