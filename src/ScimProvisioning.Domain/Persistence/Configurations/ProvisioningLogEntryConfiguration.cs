using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimProvisioning.Domain.Recording;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class ProvisioningLogEntryConfiguration : IEntityTypeConfiguration<ProvisioningLogEntry>
{
    public void Configure(EntityTypeBuilder<ProvisioningLogEntry> builder)
    {
        builder.HasKey(e => e.Key);
        builder.Property(e => e.Key).ValueGeneratedOnAdd();
        builder.HasIndex(e => e.Id).IsUnique();
        builder.HasIndex(e => new { e.AccountId, e.Key });
        builder.HasIndex(e => e.OccurredAt);
    }
}
