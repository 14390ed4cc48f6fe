using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Api.Scim.Profiles;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Domain.Recording;
using ScimProvisioning.Scim.Serialization;

namespace ScimProvisioning.Api.Recording;

/// <summary>
/// Turns a raw exchange into a log entry, on the recorder's thread: secrets redacted from both bodies, the dialect,
/// the request's shape, the interpretation and coercions, the changes and rules, and Cloudflare's verdict.
/// </summary>
public static class LogEntryBuilder
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ProvisioningLogEntry Build(
        RecordedExchange exchange,
        IScimProfile profile,
        string? tokenName,
        int maxBodyBytes,
        Func<IdpDialect, IdpDialect?>? sameToken = null
    )
    {
        var requestText = Text(exchange.RequestBody);
        var responseText = Text(exchange.ResponseBody);
        var body = exchange.RequestTruncated ? null : TryParse(exchange.RequestBody);
        var dialect = DialectDetector.Detect(exchange.UserAgent, exchange.Query, body);
        if (sameToken?.Invoke(dialect.Dialect) is { } inherited)
        {
            dialect = new DialectVerdict(
                inherited,
                [$"nothing in this request names an IdP; its token's earlier requests read as {inherited.Name()}", .. dialect.Reasons]
            );
        }
        var shape = RequestShape.Of(exchange.Method, exchange.Path, exchange.Query, body);
        var recording = exchange.Recording;
        var coercions = Coercions.Describe(exchange.Method, shape.Resource, body, onlyReplaceChangesUsers: profile.OnlyReplaceChangesUsers);
        var redactedRequest = requestText is null ? null : SecretRedaction.Redact(requestText, out _);
        var redactedResponse = responseText is null ? null : SecretRedaction.Redact(responseText, out _);
        var verdict =
            exchange.Status >= 500
                ? new CompatibilityVerdict(CompatibilityVerdicts.Unknown, [$"the server failed ({exchange.Status}); nothing to compare"])
                : profile.CloudflareVerdict(
                    new CompatibilityRequest(
                        shape,
                        exchange.Method,
                        exchange.Query,
                        body,
                        exchange.RequestTruncated,
                        exchange.ConditionalHeaders,
                        exchange.Status,
                        ErrorDetail(exchange)
                    )
                );
        var rules = recording
            .Changes.SelectMany(c => c.Rules)
            .Concat(recording.RefusedBy is null ? [] : [recording.RefusedBy])
            .Concat(recording.Changes.Any(c => c.IgnoredMemberIds.Count > 0) ? [ProvisioningRules.IgnoredUnknownMembers] : [])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new ProvisioningLogEntry
        {
            Id = Identifiers.NewTag(),
            AccountId = exchange.AccountId,
            OccurredAt = exchange.OccurredAt,
            TokenId = exchange.TokenId,
            TokenName = tokenName,
            Dialect = dialect.Dialect.Name(),
            DialectReasons = JsonSerializer.Serialize(dialect.Reasons, Json),
            UserAgent = exchange.UserAgent is { Length: > 300 } agent ? agent[..300] : exchange.UserAgent,
            Profile = profile.Name.ToString(),
            Method = exchange.Method,
            Path = exchange.Path.Length > 2000 ? exchange.Path[..2000] : exchange.Path,
            Query = exchange.Query is { } query ? SecretRedaction.Redact(query.Length > 4000 ? query[..4000] : query, out _) : null,
            Resource = shape.Resource,
            ResourceId = ResourceId(shape, exchange, recording),
            Shape = shape.Text,
            Status = exchange.Status,
            Outcome = Telemetry.ScimMetrics.Outcome(exchange.Status),
            DurationMs = Math.Round(exchange.DurationMs, 3),
            RequestBody = redactedRequest,
            RequestTruncated = exchange.RequestTruncated,
            ResponseBody = redactedResponse,
            ResponseTruncated = exchange.ResponseTruncated,
            Interpretation = Interpretation(recording, coercions, maxBodyBytes),
            Changes = recording.Changes.Count == 0 ? null : JsonSerializer.Serialize(recording.Changes.Select(Change), Json),
            Rules = rules.Count == 0 ? null : JsonSerializer.Serialize(rules, Json),
            Verdict = verdict.Verdict,
            VerdictReasons = JsonSerializer.Serialize(verdict.Reasons, Json),
        };
    }

    private static string? ResourceId(RequestShape shape, RecordedExchange exchange, RequestRecording recording) =>
        shape.ResourceId is { Length: <= 64 } id ? id
        : recording.Changes.Count == 1 ? recording.Changes[0].ResourceId
        : null;

    /// <summary>The normalised operations (secrets redacted like the body) and the coercions, as one JSON object.</summary>
    private static string? Interpretation(RequestRecording recording, IReadOnlyList<string> coercions, int maxBytes)
    {
        if (recording.Interpretations.Count == 0 && coercions.Count == 0)
        {
            return null;
        }

        var normalised = new JsonArray();
        foreach (var item in recording.Interpretations)
        {
            normalised.Add(new JsonObject { ["kind"] = item.Kind, ["value"] = item.ToJson() });
        }

        var result = new JsonObject
        {
            ["normalised"] = normalised,
            ["coercions"] = new JsonArray(coercions.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()),
        };
        var text = result.ToJsonString();
        if (text.Length > maxBytes)
        {
            result["normalised"] = $"(too large to keep: {text.Length} characters)";
            text = result.ToJsonString();
        }

        return SecretRedaction.Redact(text, out _);
    }

    private static object Change(ChangeDescription change) =>
        new
        {
            operation = change.Operation,
            resourceType = change.ResourceType,
            resourceId = change.ResourceId,
            resourceName = change.ResourceName,
            outcome = change.Outcome,
            attributes = change.Attributes,
            membersAdded = change.MembersAdded,
            membersRemoved = change.MembersRemoved,
            ignoredMemberIds = change.IgnoredMemberIds,
            rules = change.Rules,
            refusal = change.Refusal,
        };

    /// <summary>The SCIM error's detail, when the answer was one.</summary>
    private static string? ErrorDetail(RecordedExchange exchange)
    {
        if (exchange.Status < 400 || TryParse(exchange.ResponseBody) is not JsonObject error)
        {
            return null;
        }

        return error["detail"] is JsonValue detail && detail.GetValueKind() == JsonValueKind.String ? detail.GetValue<string>() : null;
    }

    private static string? Text(ReadOnlyMemory<byte> bytes) => bytes.IsEmpty ? null : Encoding.UTF8.GetString(bytes.Span);

    private static JsonNode? TryParse(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return null;
        }

        try
        {
            return ScimDocument.Parse(bytes.Span);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }
}
