using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimProvisioning.Domain.Users;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class UserMultiValueConfiguration : IEntityTypeConfiguration<UserMultiValue>
{
    public void Configure(EntityTypeBuilder<UserMultiValue> builder)
    {
        builder.HasKey(v => v.Key);
        builder.Property(v => v.Attribute).HasMaxLength(32);
        builder.HasIndex(v => new { v.UserKey, v.Attribute });
        builder.HasIndex(v => new { v.Attribute, v.ValueKey });
    }
}
