using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimProvisioning.Api.Recording;

/// <summary>
/// Tells Okta, Entra ID (default and <c>aadOptscim062020</c>) and authentik apart from the User-Agent and the request's
/// shape. The User-Agent decides when it names a client; otherwise the body's habits do (Entra's capitalised ops and
/// string booleans, its compatibility flag in the URL, its group schema URN). Every clue that fired is a reason.
/// </summary>
public static class DialectDetector
{
    private const string EntraGroupSchema = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";

    public static DialectVerdict Detect(string? userAgent, string? query, JsonNode? body)
    {
        var reasons = new List<string>();
        var agent = userAgent?.Trim() ?? "";
        if (agent.StartsWith("Okta SCIM Client", StringComparison.OrdinalIgnoreCase))
        {
            return new DialectVerdict(IdpDialect.Okta, [$"User-Agent '{Short(agent)}' is Okta's SCIM client"]);
        }

        if (agent.Contains("authentik", StringComparison.OrdinalIgnoreCase))
        {
            return new DialectVerdict(IdpDialect.Authentik, [$"User-Agent '{Short(agent)}' names authentik"]);
        }

        var entra = false;
        var compat = false;
        if (agent.Contains("Microsoft", StringComparison.OrdinalIgnoreCase) || agent.Contains("Azure", StringComparison.OrdinalIgnoreCase))
        {
            entra = true;
            reasons.Add($"User-Agent '{Short(agent)}' names Microsoft");
        }

        if (query?.Contains("aadOptscim062020", StringComparison.OrdinalIgnoreCase) == true)
        {
            compat = true;
            reasons.Add("the URL carries Entra's aadOptscim062020 flag");
        }

        var operations = (body as JsonObject)?["Operations"] as JsonArray;
        foreach (var operation in operations?.OfType<JsonObject>() ?? [])
        {
            var op = operation["op"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
            if (op is "Add" or "Replace" or "Remove" && !reasons.Contains("PATCH op names are capitalised (Entra's default)"))
            {
                entra = true;
                reasons.Add("PATCH op names are capitalised (Entra's default)");
            }

            if (
                operation["value"] is JsonValue value
                && value.GetValueKind() == JsonValueKind.String
                && value.GetValue<string>() is "True" or "False"
                && !reasons.Contains("a boolean is sent as a string (Entra's default)")
            )
            {
                entra = true;
                reasons.Add("a boolean is sent as a string (Entra's default)");
            }

            if (
                op is "replace"
                && operation["path"] is null
                && operation["value"] is JsonObject keys
                && keys.Any(k =>
                    k.Key.Contains('.', StringComparison.Ordinal) || k.Key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase)
                )
                && !reasons.Contains("a path-less replace with dotted keys (Entra with aadOptscim062020)")
            )
            {
                compat = true;
                reasons.Add("a path-less replace with dotted keys (Entra with aadOptscim062020)");
            }
        }

        if (
            (body as JsonObject)?["schemas"] is JsonArray schemas
            && schemas.Any(s => s is JsonValue sv && sv.GetValueKind() == JsonValueKind.String && sv.GetValue<string>() == EntraGroupSchema)
        )
        {
            entra = true;
            reasons.Add("the body declares Entra's ADSCIM group schema");
        }

        if (compat)
        {
            return new DialectVerdict(IdpDialect.EntraCompat, reasons);
        }

        if (entra)
        {
            return new DialectVerdict(IdpDialect.Entra, reasons);
        }

        reasons.Add(
            agent.Length == 0
                ? "no User-Agent, and no shape of a known IdP"
                : $"User-Agent '{Short(agent)}' and the request's shape match no known IdP"
        );
        return new DialectVerdict(IdpDialect.Unknown, reasons);
    }

    private static string Short(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
