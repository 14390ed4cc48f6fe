using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ScimProvisioning.Domain.Events;

namespace ScimProvisioning.Api.Events;

/// <summary>
/// Builds the Security Event Token (RFC 8417) of an outbox event for one receiver, in RFC 9967's shape, signed with
/// HS256 under the receiver's secret (<c>kid</c> = receiver id): <c>jti</c> is the event's id, stable across retries.
/// </summary>
public static class SecurityEventTokens
{
    public const string MediaType = "application/secevent+jwt";

    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>The SET's claims: the notice payload lists the changed attributes; full adds the resource as data.</summary>
    public static JsonObject Claims(OutboxEvent e, EventReceiver receiver, string issuer, JsonObject? data)
    {
        var qualified = ProvisioningEvents.IsQualified(e.Type);
        var payload = new JsonObject();
        if (qualified && receiver.Mode == "full" && data is not null)
        {
            payload["data"] = data;
        }
        else if (qualified || e.Type.StartsWith(ProvisioningEvents.Own, StringComparison.Ordinal))
        {
            payload["attributes"] = new JsonArray(EventPayloads.AttributeNames(e).Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        }

        if (e.Type.StartsWith(ProvisioningEvents.Own, StringComparison.Ordinal) && e.Details is not null)
        {
            payload["details"] = JsonNode.Parse(e.Details);
        }

        var uri = qualified ? $"{e.Type}:{(payload.ContainsKey("data") ? "full" : "notice")}" : e.Type;
        return new JsonObject
        {
            ["iss"] = issuer,
            ["iat"] = new DateTimeOffset(e.OccurredAt).ToUnixTimeSeconds(),
            ["jti"] = e.Id,
            ["txn"] = e.Txn,
            ["aud"] = receiver.Url ?? receiver.Id,
            ["sub_id"] = EventPayloads.Subject(e),
            ["events"] = new JsonObject { [uri] = payload },
        };
    }

    public static string Sign(JsonObject claims, EventReceiver receiver)
    {
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(receiver.Secret)) { KeyId = receiver.Id };
        return Handler.CreateToken(
            claims.ToJsonString(),
            new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
            new Dictionary<string, object> { ["typ"] = "secevent+jwt" }
        );
    }
}

/// <summary>The parts of an event every format shares, and the plain JSON webhook body.</summary>
public static class EventPayloads
{
    /// <summary>RFC 9967 <c>sub_id</c> in the <c>scim</c> format: the resource's path below the SCIM base.</summary>
    public static JsonObject Subject(OutboxEvent e) =>
        new()
        {
            ["format"] = "scim",
            ["uri"] = e.ResourceId is null ? null : $"/{(e.ResourceType == "user" ? "Users" : "Groups")}/{e.ResourceId}",
            ["id"] = e.ResourceId,
        };

    /// <summary>Changed attributes as SCIM paths (<c>Active</c> → <c>active</c>, <c>Members</c> on group patches).</summary>
    public static IReadOnlyList<string> AttributeNames(OutboxEvent e)
    {
        var names = JsonSerializer.Deserialize<List<string>>(e.Attributes) ?? [];
        var result = names.Select(n => n.Length == 0 ? n : char.ToLowerInvariant(n[0]) + n[1..]).ToList();
        if (e.Details is not null && JsonNode.Parse(e.Details) is JsonObject details)
        {
            var members = (details["membersAdded"]?.GetValue<int>() ?? 0) + (details["membersRemoved"]?.GetValue<int>() ?? 0);
            if (members > 0 && !result.Contains("members"))
            {
                result.Add("members");
            }
        }

        return result;
    }

    /// <summary>The webhook body: one JSON object per event, signed over timestamp and body (docs/events.md).</summary>
    public static string WebhookBody(OutboxEvent e, EventReceiver receiver, JsonObject? data) =>
        new JsonObject
        {
            ["id"] = e.Id,
            ["type"] = e.Type,
            ["txn"] = e.Txn,
            ["occurred_at"] = e.OccurredAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["account_id"] = e.AccountId,
            ["resource"] = new JsonObject
            {
                ["type"] = e.ResourceType,
                ["id"] = e.ResourceId,
                ["name"] = e.ResourceName,
                ["uri"] = Subject(e)["uri"]?.DeepClone(),
            },
            ["attributes"] = new JsonArray(AttributeNames(e).Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
            ["details"] = e.Details is null ? null : JsonNode.Parse(e.Details),
            ["data"] = receiver.Mode == "full" ? data : null,
        }.ToJsonString();

    /// <summary><c>v1=</c> hex HMAC-SHA256 of <c>{timestamp}.{body}</c> under the receiver's secret.</summary>
    public static string WebhookSignature(string secret, long timestamp, string body)
    {
        var mac = System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes($"{timestamp}.{body}")
        );
        return "v1=" + Convert.ToHexStringLower(mac);
    }
}
