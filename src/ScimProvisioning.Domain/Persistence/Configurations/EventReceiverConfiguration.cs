using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimProvisioning.Domain.Events;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class EventReceiverConfiguration : IEntityTypeConfiguration<EventReceiver>
{
    public void Configure(EntityTypeBuilder<EventReceiver> builder)
    {
        builder.HasKey(r => r.Key);
        builder.Property(r => r.Key).ValueGeneratedOnAdd();
        builder.HasIndex(r => r.Id).IsUnique();
        builder.HasIndex(r => r.AccountId);
    }
}
