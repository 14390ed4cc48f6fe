using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimProvisioning.Api.Recording;

/// <summary>
/// The liberties the server took reading a request, in words: op names matched in any case, booleans sent as strings,
/// Entra's dotted keys in a path-less replace, and (Cloudflare profile) the PATCH operations that have no effect.
/// Read from the request as sent, so the log shows the IdP admin what their IdP sent and how it was taken.
/// </summary>
public static class Coercions
{
    private static readonly HashSet<string> BooleanAttributes = new(StringComparer.OrdinalIgnoreCase) { "active", "primary" };

    public static IReadOnlyList<string> Describe(string method, string resource, JsonNode? body, bool onlyReplaceChangesUsers)
    {
        var notes = new List<string>();
        if (body is not JsonObject document)
        {
            return notes;
        }

        if (method == "PATCH" && document["Operations"] is JsonArray operations)
        {
            foreach (var operation in operations.OfType<JsonObject>())
            {
                var op = Text(operation["op"]);
                var path = Text(operation["path"]);
                if (op is not null && op != op.ToLowerInvariant())
                {
                    Add(notes, $"op \"{op}\" read as \"{op.ToLowerInvariant()}\"");
                }

                if (path is null && operation["value"] is JsonObject keys)
                {
                    foreach (var key in keys.Select(k => k.Key).Where(k => k.Contains('.', StringComparison.Ordinal)))
                    {
                        Add(notes, $"key \"{key}\" of a path-less {op?.ToLowerInvariant()} read as the path {key}");
                    }
                }

                StringBooleans(notes, operation["value"], LastName(path));
                if (onlyReplaceChangesUsers && resource == "User" && op is not null)
                {
                    CloudflareUserPatch(notes, op.ToLowerInvariant(), path);
                }
            }
        }
        else if (method is "POST" or "PUT")
        {
            StringBooleans(notes, document, null);
        }

        return notes;
    }

    private static void CloudflareUserPatch(List<string> notes, string op, string? path)
    {
        if (op != "replace")
        {
            Add(notes, $"\"{op}\" {path ?? "(no path)"} has no effect: Cloudflare applies only replace to users");
        }
        else if (
            path is not null
            && path.Replace(" ", "", StringComparison.Ordinal).StartsWith("emails[typeeq\"work\"]", StringComparison.OrdinalIgnoreCase)
        )
        {
            Add(notes, $"{path} read as userName (Cloudflare's alias)");
        }
    }

    /// <summary>"True"/"False" strings where a boolean belongs (active, primary), at any depth.</summary>
    private static void StringBooleans(List<string> notes, JsonNode? node, string? attribute)
    {
        switch (node)
        {
            case JsonValue value when attribute is not null && BooleanAttributes.Contains(attribute):
                if (value.GetValueKind() == JsonValueKind.String && bool.TryParse(value.GetValue<string>(), out var parsed))
                {
                    Add(
                        notes,
                        $"\"{value.GetValue<string>()}\" (a string) read as the boolean {(parsed ? "true" : "false")} for {attribute}"
                    );
                }

                break;
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    StringBooleans(notes, child, LastName(key));
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    StringBooleans(notes, item, attribute);
                }

                break;
        }
    }

    /// <summary><c>urn:…:User:active</c>, <c>emails[…].primary</c>, <c>active</c> → the last attribute name.</summary>
    private static string? LastName(string? path)
    {
        if (path is null)
        {
            return null;
        }

        var name = path[(path.LastIndexOf(']') + 1)..].TrimStart('.');
        name = name.Length == 0 ? path : name;
        var cut = Math.Max(name.LastIndexOf('.'), name.LastIndexOf(':'));
        return cut >= 0 ? name[(cut + 1)..] : name;
    }

    private static void Add(List<string> notes, string note)
    {
        if (!notes.Contains(note, StringComparer.Ordinal) && notes.Count < 50)
        {
            notes.Add(note);
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
