using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimProvisioning.Domain.Accounts;
using ScimProvisioning.Domain.Members;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> builder)
    {
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).HasMaxLength(32);
        builder.HasIndex(m => m.UserKey).IsUnique();
        builder.HasIndex(m => new { m.AccountId, m.Created });
        builder.HasOne(m => m.User).WithOne().HasForeignKey<Member>(m => m.UserKey).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Account>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
