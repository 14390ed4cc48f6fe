namespace ScimProvisioning.Api.Events;

/// <summary><c>Events:*</c> — provisioning events and their delivery (docs/events.md).</summary>
public sealed class EventOptions
{
    public const string Section = "Events";

    /// <summary>Deliver events to registered receivers (the outbox is written either way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The SETs' <c>iss</c>.</summary>
    public string Issuer { get; set; } = "scim-provisioning";

    /// <summary>Allow receivers on loopback, private, link-local and unique-local addresses (off: SSRF protection).</summary>
    public bool AllowPrivateReceivers { get; set; }

    /// <summary>Attempts before an event is parked (visible in the dashboard and the admin API, re-deliverable).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First retry delay; it doubles per attempt, with jitter, up to <see cref="MaxBackoffSeconds"/>.</summary>
    public double InitialBackoffSeconds { get; set; } = 1;

    public double MaxBackoffSeconds { get; set; } = 300;

    /// <summary>How long one delivery may take before it counts as failed.</summary>
    public double TimeoutSeconds { get; set; } = 5;

    /// <summary>How often the dispatcher looks for work.</summary>
    public int PollIntervalMilliseconds { get; set; } = 250;

    /// <summary>Delivered events older than this many days are deleted from the outbox.</summary>
    public int RetentionDays { get; set; } = 7;
}
