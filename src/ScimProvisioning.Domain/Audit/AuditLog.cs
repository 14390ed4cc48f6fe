using System.Text.Json;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Domain.Audit;

/// <summary>
/// Adds audit events — and the provisioning events of the outbox — to the unit of work, so both are stored exactly
/// when their change is. Every SCIM and admin write
/// records its <see cref="ChangeDescription"/> here (the write's result carries the same description to its caller).
/// </summary>
public sealed class AuditLog(ScimDbContext db, TimeProvider clock)
{
    /// <summary>The audit event and the provisioning events (the outbox) of the change, staged in the same unit of work.</summary>
    public void Record(ChangeDescription change)
    {
        db.AuditEvents.Add(Event(change));
        db.OutboxEvents.AddRange(Events.ProvisioningEvents.For(change, clock.GetUtcNow().UtcDateTime));
    }

    /// <summary>The rows <see cref="Record"/> would stage, for a caller that inserts rows itself (the create path).</summary>
    public IEnumerable<object> Rows(ChangeDescription change) =>
        [Event(change), .. Events.ProvisioningEvents.For(change, clock.GetUtcNow().UtcDateTime)];

    /// <summary>An event for the caller to store with its change (see <see cref="Record(ChangeDescription)"/>).</summary>
    public AuditEvent Event(ChangeDescription change) =>
        new()
        {
            Id = Identifiers.NewTag(),
            AccountId = change.AccountId,
            OccurredAt = clock.GetUtcNow().UtcDateTime,
            Action = change.Operation,
            ActorTokenId = change.Actor.TokenId,
            ResourceType = change.ResourceType,
            ResourceId = change.ResourceId,
            Outcome = change.Outcome,
            Summary = JsonSerializer.Serialize(change.Summary()),
        };

    /// <summary>
    /// Records a refusal on its own, after discarding whatever the refused request had staged, so the refusal is
    /// durable while the change is not.
    /// </summary>
    public async Task RecordRefusalAsync(ChangeDescription refusal, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        Record(refusal);
        await db.SaveChangesAsync(cancellationToken);
    }
}
