using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimProvisioning.Domain.Accounts;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.HasKey(u => u.Key);
        builder.Property(u => u.Key).ValueGeneratedOnAdd();
        builder.Property(u => u.Id).HasMaxLength(32);
        builder.HasIndex(u => u.Id).IsUnique();
        builder.Property(u => u.UserName).HasMaxLength(512);
        builder.Property(u => u.UserNameKey).HasMaxLength(512);
        // userName is unique per account, case-insensitively (SPEC §2.1 rule 9) — the database is the referee.
        builder.HasIndex(u => new { u.AccountId, u.UserNameKey }).IsUnique();
        builder.HasIndex(u => new { u.AccountId, u.Key });
        builder.HasIndex(u => new { u.AccountId, u.ExternalId });
        builder.Property(u => u.Version).IsConcurrencyToken();
        builder.HasOne<Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(u => u.Emails).WithOne().HasForeignKey(e => e.UserKey).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(u => u.MultiValues).WithOne().HasForeignKey(v => v.UserKey).OnDelete(DeleteBehavior.Cascade);
    }
}
