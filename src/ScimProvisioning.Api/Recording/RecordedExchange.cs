namespace ScimProvisioning.Api.Recording;

/// <summary>
/// A SCIM request and its answer as the middleware saw them, raw: what the recorder's writer turns into a
/// <see cref="Domain.Recording.ProvisioningLogEntry"/> off the request path (redaction, dialect, verdict, shape).
/// </summary>
public sealed record RecordedExchange(
    string AccountId,
    DateTime OccurredAt,
    string? TokenId,
    string? UserAgent,
    string Method,
    string Path,
    string? Query,
    bool ConditionalHeaders,
    int Status,
    double DurationMs,
    ReadOnlyMemory<byte> RequestBody,
    bool RequestTruncated,
    ReadOnlyMemory<byte> ResponseBody,
    bool ResponseTruncated,
    RequestRecording Recording
);
