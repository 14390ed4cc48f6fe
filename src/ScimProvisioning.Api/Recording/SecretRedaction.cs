using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ScimProvisioning.Api.Recording;

/// <summary>
/// What a recorded body must never hold: any <c>password</c> value (as an attribute, or as the value of a PATCH whose
/// path names it) and anything shaped like a bearer token. JSON is rewritten through its tree; a body that is not JSON
/// is scrubbed by pattern (a value cut off by truncation included), so a malformed request cannot smuggle a password into
/// the log either.
/// </summary>
public static partial class SecretRedaction
{
    public const string Redacted = "[redacted]";

    /// <summary>The body with secrets replaced; <paramref name="changed"/> says whether anything was.</summary>
    public static string Redact(string body, out bool changed)
    {
        changed = false;
        // Fast path, the common case: no password can hide in a text that never spells it, even escaped.
        if (!body.Contains("password", StringComparison.OrdinalIgnoreCase) && !body.Contains("\\u", StringComparison.Ordinal))
        {
            if (!body.Contains("eyJ", StringComparison.Ordinal))
            {
                return body;
            }

            var withoutTokens = TokenShape().Replace(body, Redacted);
            changed = withoutTokens != body;
            return withoutTokens;
        }

        JsonNode? tree;
        try
        {
            tree = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            tree = null;
        }

        if (tree is not null)
        {
            var found = Scrub(tree);
            var text = found ? tree.ToJsonString() : body;
            var scrubbed = TokenShape().Replace(text, Redacted);
            changed = found || scrubbed != text;
            return scrubbed;
        }

        // Not JSON, and spelling a password only through escapes the pattern cannot follow: keep none of it.
        if (
            !body.Contains("password", StringComparison.OrdinalIgnoreCase)
            && Unescaped(body).Contains("password", StringComparison.OrdinalIgnoreCase)
        )
        {
            changed = true;
            return Redacted;
        }

        var result = TokenShape().Replace(PasswordPair().Replace(body, m => m.Groups["name"].Value + "\"" + Redacted + "\""), Redacted);
        changed = result != body;
        return result;
    }

    private static bool Scrub(JsonNode node)
    {
        var found = false;
        switch (node)
        {
            case JsonObject obj:
                var patchesPassword =
                    obj["path"] is JsonValue path && path.GetValueKind() == JsonValueKind.String && NamesPassword(path.GetValue<string>());
                foreach (var (key, value) in obj.ToList())
                {
                    if (
                        value is not null
                        && (NamesPassword(key) || (patchesPassword && key.Equals("value", StringComparison.OrdinalIgnoreCase)))
                    )
                    {
                        obj[key] = Redacted;
                        found = true;
                    }
                    else if (value is not null)
                    {
                        found |= Scrub(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>())
                {
                    found |= Scrub(item);
                }

                break;
        }

        return found;
    }

    private static string Unescaped(string text) =>
        UnicodeEscape().Replace(text, m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());

    [GeneratedRegex("\\\\u([0-9a-fA-F]{4})", RegexOptions.CultureInvariant)]
    private static partial Regex UnicodeEscape();

    /// <summary><c>password</c>, in any case, plain or URN-qualified (<c>urn:…:User:password</c>).</summary>
    private static bool NamesPassword(string name) =>
        name.Equals("password", StringComparison.OrdinalIgnoreCase) || name.EndsWith(":password", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(
        "(?<name>\"(?:[^\"]*:)?password\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*(?:\"|$)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    )]
    private static partial Regex PasswordPair();

    /// <summary>A JWT (our tokens, and most bearer tokens): three base64url segments, the first a JSON header.</summary>
    [GeneratedRegex("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex TokenShape();
}
