using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using ScimProvisioning.Scim.Filtering;

namespace ScimProvisioning.Api.Recording;

/// <summary>
/// What kind of request an exchange was, in words an IdP admin reads: its resource, the route template, and what
/// distinguishes requests on one route (<c>GET /Users filter userName eq</c>, <c>PATCH /Groups/{id} add members</c>).
/// The compatibility report groups by it.
/// </summary>
public sealed record RequestShape(string Resource, string Template, string? ResourceId, string Text)
{
    public static RequestShape Of(string method, string path, string? query, JsonNode? body)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var first = segments.Length > 0 ? segments[0] : "";
        var (resource, template, id) = (first, segments.Length) switch
        {
            ("Users" or "Groups", 2) when segments[1] == ".search" => ("Search", $"/{first}/.search", null),
            ("Users", 1) => ("User", "/Users", null),
            ("Users", 2) => ("User", "/Users/{id}", segments[1]),
            ("Groups", 1) => ("Group", "/Groups", null),
            ("Groups", 2) => ("Group", "/Groups/{id}", segments[1]),
            (".search", 1) => ("Search", "/.search", null),
            ("Bulk", 1) => ("Bulk", "/Bulk", null),
            ("ServiceProviderConfig" or "ServiceProviderConfigs" or "ResourceTypes" or "Schemas", _) => (
                "Discovery",
                segments.Length == 1 ? "/" + first : $"/{first}/{{name}}",
                (string?)null
            ),
            _ => ("Other", path.Length > 80 ? path[..80] + "…" : path, null),
        };

        var detail = method switch
        {
            "GET" when id is null && resource is "User" or "Group" => ListDetail(query),
            "PATCH" => PatchDetail(body),
            "POST" or "PUT" when resource == "Group" && (body as JsonObject)?["members"] is JsonArray { Count: > 0 } => "with members",
            "POST" when resource == "Bulk" && (body as JsonObject)?["Operations"] is JsonArray operations =>
                $"{operations.Count} operations",
            _ => null,
        };
        return new RequestShape(resource, template, id, detail is null ? $"{method} {template}" : $"{method} {template} {detail}");
    }

    private static string? ListDetail(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return null;
        }

        var parameters = QueryHelpers.ParseQuery(query);
        if (!parameters.TryGetValue("filter", out var filter) || filter.Count == 0)
        {
            return parameters.ContainsKey("sortBy") ? "sorted" : null;
        }

        try
        {
            return ScimFilterParser.Parse(filter.ToString()) switch
            {
                ComparisonFilter c => $"filter {c.Path} {c.Operator.ToString().ToLowerInvariant()}",
                _ => "filter (compound)",
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return "filter (invalid)";
        }
    }

    private static string? PatchDetail(JsonNode? body)
    {
        if ((body as JsonObject)?["Operations"] is not JsonArray operations)
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var operation in operations.OfType<JsonObject>())
        {
            var op = StringOf(operation["op"])?.ToLowerInvariant() ?? "?";
            var path = StringOf(operation["path"]);
            var target = path is null
                ? operation["value"] is JsonObject value
                    ? string.Join(",", value.Select(p => p.Key).Order(StringComparer.Ordinal))
                    : "(no path)"
                : TargetOf(path);
            var part = $"{op} {target}";
            if (!parts.Contains(part, StringComparer.Ordinal))
            {
                parts.Add(part);
            }
        }

        return parts.Count == 0 ? "(no operations)" : string.Join("; ", parts.Take(4)) + (parts.Count > 4 ? "; …" : "");
    }

    /// <summary><c>members[value eq "…"]</c> → <c>members</c>: the shape names the attribute, not the member.</summary>
    private static string TargetOf(string path)
    {
        var bracket = path.IndexOf('[', StringComparison.Ordinal);
        var name = bracket < 0 ? path : path[..bracket] + (path.EndsWith(']') ? "[…]" : "[…]" + path[(path.LastIndexOf(']') + 1)..]);
        return name.Length > 60 ? name[..60] + "…" : name;
    }

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
