using System.Text.Json;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Domain.Audit;

/// <summary>Adds audit events to the unit of work, so an event is stored exactly when its change is.</summary>
public sealed class AuditLog(ScimDbContext db, TimeProvider clock)
{
    public void Record(string accountId, Actor actor, string action, string resourceType, string? resourceId, string outcome, object? summary = null) =>
        db.AuditEvents.Add(Event(accountId, actor, action, resourceType, resourceId, outcome, summary));

    /// <summary>An event for the caller to store with its change (see <see cref="Record"/>).</summary>
    public AuditEvent Event(string accountId, Actor actor, string action, string resourceType, string? resourceId, string outcome, object? summary = null) =>
        new()
        {
            Id = Identifiers.NewTag(),
            AccountId = accountId,
            OccurredAt = clock.GetUtcNow().UtcDateTime,
            Action = action,
            ActorTokenId = actor.TokenId,
            ResourceType = resourceType,
            ResourceId = resourceId,
            Outcome = outcome,
            Summary = summary is null ? null : JsonSerializer.Serialize(summary),
        };

    /// <summary>
    /// Records a refusal on its own, after discarding whatever the refused request had staged, so the refusal is
    /// durable while the change is not.
    /// </summary>
    public async Task RecordRefusalAsync(string accountId, Actor actor, string action, string resourceType, string? resourceId, string reason, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        Record(accountId, actor, action, resourceType, resourceId, AuditActions.Refused, new { reason });
        await db.SaveChangesAsync(cancellationToken);
    }
}
