namespace ScimProvisioning.Domain.Events;

/// <summary>
/// Where an account's provisioning events go (docs/events.md): a SET push endpoint (RFC 8935), a plain JSON webhook,
/// or a poll stream (RFC 8936). It receives the events committed after it was registered.
/// </summary>
public sealed class EventReceiver
{
    public long Key { get; private set; }
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string Name { get; init; }

    /// <summary><see cref="EventReceiverKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The endpoint events are sent to (push and webhook); null for poll.</summary>
    public string? Url { get; init; }

    /// <summary>The shared secret: the HMAC key of SET signatures (HS256) and webhook signatures. Never shown again.</summary>
    public required string Secret { get; init; }

    /// <summary><c>notice</c> (ids and changed attribute names) or <c>full</c> (the resource as well).</summary>
    public required string Mode { get; init; }
    public DateTime Created { get; init; }

    /// <summary>The last outbox event already turned into deliveries for this receiver.</summary>
    public long Cursor { get; set; }
}

public static class EventReceiverKinds
{
    public const string Push = "push";
    public const string Webhook = "webhook";
    public const string Poll = "poll";
}

/// <summary>One event on its way to one receiver: pending (with its next attempt), delivered, or parked.</summary>
public sealed class EventDelivery
{
    public long Key { get; private set; }
    public required string Id { get; init; }
    public long ReceiverKey { get; init; }
    public long EventKey { get; init; }
    public required string Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }

    /// <summary>Until when one instance holds the delivery (several instances share the work on PostgreSQL).</summary>
    public DateTime? LeaseUntil { get; set; }
    public string? LastError { get; set; }
    public DateTime? DeliveredAt { get; set; }
}

public static class DeliveryStatuses
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Parked = "parked";
}
