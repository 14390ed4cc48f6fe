namespace ScimProvisioning.Api.Recording;

/// <summary><c>Recorder:*</c> — the provisioning flight recorder (docs/recorder.md).</summary>
public sealed class RecorderOptions
{
    public const string Section = "Recorder";

    /// <summary>Record every authenticated SCIM request of an account (on by default).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Bytes kept of each request and response body; the rest is cut and the entry marked truncated.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Entries waiting to be written; when full, new entries are dropped and counted, never waited for.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Body bytes waiting to be written, all entries together; past it new entries are dropped too (64 MiB).</summary>
    public long MaxQueuedBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Entries older than this many days are deleted (0 = kept forever).</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>Newest entries kept per account (0 = no limit).</summary>
    public int MaxEntriesPerAccount { get; set; } = 100_000;

    /// <summary>Most entries written in one transaction.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// The most of one core the writer may use (0.1 = it rests nine times as long as it worked): under a load that
    /// saturates the machine the queue fills and entries are dropped and counted, rather than the IdP being slowed.
    /// </summary>
    public double MaxWriterShare { get; set; } = 0.1;

    /// <summary>How often retention runs, in seconds.</summary>
    public int PruneIntervalSeconds { get; set; } = 60;
}
