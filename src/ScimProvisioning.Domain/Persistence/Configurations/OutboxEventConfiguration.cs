using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimProvisioning.Domain.Events;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class OutboxEventConfiguration : IEntityTypeConfiguration<OutboxEvent>
{
    public void Configure(EntityTypeBuilder<OutboxEvent> builder)
    {
        builder.HasKey(e => e.Key);
        builder.Property(e => e.Key).ValueGeneratedOnAdd();
        builder.HasIndex(e => e.Id).IsUnique();
        builder.HasIndex(e => new { e.AccountId, e.Key });
    }
}
