namespace ScimProvisioning.Domain.Events;

/// <summary>
/// A provisioning event, written in the same transaction as the change it announces (the transactional outbox), so no
/// committed change goes unannounced and no rolled-back one is announced. Delivery reads it later (docs/events.md).
/// </summary>
public sealed class OutboxEvent
{
    public long Key { get; private set; }

    /// <summary>The SET's <c>jti</c>: stable across retries and receivers, so receivers can de-duplicate.</summary>
    public required string Id { get; init; }
    public required string AccountId { get; init; }

    /// <summary>The SET's <c>txn</c>: shared by the events of one write.</summary>
    public required string Txn { get; init; }
    public DateTime OccurredAt { get; init; }

    /// <summary>The event URI without its <c>:notice</c>/<c>:full</c> qualifier (receivers choose one).</summary>
    public required string Type { get; init; }
    public required string ResourceType { get; init; }
    public string? ResourceId { get; init; }
    public string? ResourceName { get; init; }

    /// <summary>JSON array of the changed attribute names (the <c>notice</c> payload).</summary>
    public required string Attributes { get; init; }

    /// <summary>JSON object of facts particular to the event (members added and removed, the refusal).</summary>
    public string? Details { get; init; }
}
