using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimProvisioning.Domain.Events;

namespace ScimProvisioning.Domain.Persistence.Configurations;

internal sealed class EventDeliveryConfiguration : IEntityTypeConfiguration<EventDelivery>
{
    public void Configure(EntityTypeBuilder<EventDelivery> builder)
    {
        builder.HasKey(d => d.Key);
        builder.Property(d => d.Key).ValueGeneratedOnAdd();
        builder.HasIndex(d => d.Id).IsUnique();
        // One delivery per event and receiver, whichever instance fans it out.
        builder.HasIndex(d => new { d.ReceiverKey, d.EventKey }).IsUnique();
        builder.HasIndex(d => new
        {
            d.ReceiverKey,
            d.Status,
            d.EventKey,
        });
        builder.HasOne<EventReceiver>().WithMany().HasForeignKey(d => d.ReceiverKey).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<OutboxEvent>().WithMany().HasForeignKey(d => d.EventKey).OnDelete(DeleteBehavior.Cascade);
    }
}
