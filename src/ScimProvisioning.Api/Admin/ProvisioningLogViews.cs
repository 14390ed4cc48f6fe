using System.Text.Json;
using ScimProvisioning.Domain.Recording;

namespace ScimProvisioning.Api.Admin;

public sealed record LogTokenView(string? Id, string? Name);

public sealed record LogVerdictView(string Verdict, JsonElement? Reasons);

/// <summary>A provisioning log entry in a list: what, who, as which IdP, how it ended, Cloudflare's verdict.</summary>
public sealed record LogEntrySummaryView(
    string Id,
    DateTime When,
    LogTokenView Token,
    string Idp,
    string Method,
    string Path,
    string? Query,
    int Status,
    string Outcome,
    double DurationMs,
    string Resource,
    string? ResourceId,
    string Shape,
    JsonElement? Rules,
    LogVerdictView Cloudflare
)
{
    public static LogEntrySummaryView From(ProvisioningLogEntry e) =>
        new(
            e.Id,
            e.OccurredAt,
            new LogTokenView(e.TokenId, e.TokenName),
            e.Dialect,
            e.Method,
            e.Path,
            e.Query,
            e.Status,
            e.Outcome,
            e.DurationMs,
            e.Resource,
            e.ResourceId,
            e.Shape,
            LogEntryView.Json(e.Rules),
            new LogVerdictView(e.Verdict, LogEntryView.Json(e.VerdictReasons))
        );
}

/// <summary>
/// One entry whole — also one line of the JSON-lines export, which <c>replay</c> reads: bodies as the text that was
/// sent and answered (secrets redacted), the interpretation, changes and reasons as JSON.
/// </summary>
public sealed record LogEntryView(
    string Id,
    DateTime When,
    LogTokenView Token,
    string Idp,
    JsonElement? IdpReasons,
    string? UserAgent,
    string Profile,
    string Method,
    string Path,
    string? Query,
    int Status,
    string Outcome,
    double DurationMs,
    string Resource,
    string? ResourceId,
    string Shape,
    string? RequestBody,
    bool RequestTruncated,
    string? ResponseBody,
    bool ResponseTruncated,
    JsonElement? Interpretation,
    JsonElement? Changes,
    JsonElement? Rules,
    LogVerdictView Cloudflare
)
{
    public static LogEntryView From(ProvisioningLogEntry e) =>
        new(
            e.Id,
            e.OccurredAt,
            new LogTokenView(e.TokenId, e.TokenName),
            e.Dialect,
            Json(e.DialectReasons),
            e.UserAgent,
            e.Profile,
            e.Method,
            e.Path,
            e.Query,
            e.Status,
            e.Outcome,
            e.DurationMs,
            e.Resource,
            e.ResourceId,
            e.Shape,
            e.RequestBody,
            e.RequestTruncated,
            e.ResponseBody,
            e.ResponseTruncated,
            Json(e.Interpretation),
            Json(e.Changes),
            Json(e.Rules),
            new LogVerdictView(e.Verdict, Json(e.VerdictReasons))
        );

    public static JsonElement? Json(string? text) => text is null ? null : JsonSerializer.Deserialize<JsonElement>(text);
}

/// <summary>The recorder's own state: whether it records, what it dropped, how long it keeps entries.</summary>
public sealed record RecorderStatusView(
    bool Enabled,
    int QueueDepth,
    int QueueCapacity,
    long Written,
    long Dropped,
    long Failed,
    int RetentionDays,
    int MaxEntriesPerAccount,
    int MaxBodyBytes
);
