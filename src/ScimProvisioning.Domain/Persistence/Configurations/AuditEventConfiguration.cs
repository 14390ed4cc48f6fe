using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimProvisioning.Domain.Audit;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.HasKey(a => a.Key);
        builder.Property(a => a.Key).ValueGeneratedOnAdd();
        builder.HasIndex(a => a.Id).IsUnique();
        builder.HasIndex(a => new { a.AccountId, a.Key });
        builder.HasIndex(a => new { a.AccountId, a.ResourceId });
    }
}
