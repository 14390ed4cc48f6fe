using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class UserEmailConfiguration : IEntityTypeConfiguration<UserEmail>
{
    public void Configure(EntityTypeBuilder<UserEmail> builder)
    {
        builder.HasKey(e => e.Key);
        builder.Property(e => e.Value).HasMaxLength(512);
        builder.Property(e => e.ValueKey).HasMaxLength(512);
        builder.HasIndex(e => e.ValueKey);
        builder.HasIndex(e => e.UserKey);
    }
}
