using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace ScimProvisioning.Scim.Tests.Properties;

/// <summary>
/// Generators of the input a hostile or broken client sends: JSON documents built from SCIM's own vocabulary and
/// awkward values (control characters, lone surrogates, huge numbers, deep nesting), then sometimes mangled
/// (truncated, a character spliced in); PatchOp documents; filter text. Shared with the HTTP properties of the API
/// tests, which link this file.
/// </summary>
public static class HostileInputGenerators
{
    private static readonly string[] Keys =
    [
        "schemas",
        "id",
        "externalId",
        "userName",
        "name",
        "givenName",
        "familyName",
        "displayName",
        "nickName",
        "title",
        "active",
        "emails",
        "value",
        "type",
        "primary",
        "display",
        "phoneNumbers",
        "addresses",
        "streetAddress",
        "members",
        "groups",
        "meta",
        "password",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        "manager",
        "department",
        "Operations",
        "op",
        "path",
        "USERNAME",
        "x",
        "",
    ];

    private static readonly string[] Texts =
    [
        "",
        " ",
        "a@example.com",
        "Alice",
        "x\u0000y",
        "tab\there",
        "line\nbreak",
        "\u202eevil",
        "\ud800",
        "💥",
        "CF Admins",
        "true",
        "1",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "emails[type eq \"work\"].value",
        "members[value eq \"x\"]",
        "add",
        "replace",
        "remove",
        "Replace",
        "urn:ietf:params:scim:api:messages:2.0:PatchOp",
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "0123456789abcdef0123456789abcdef",
        "work",
        "name.givenName",
        "userName eq \"a\"",
    ];

    private static readonly string[] Numbers = ["0", "-0", "1", "-1", "1.5", "1e400", "-1e400", "9223372036854775808", "0.0000001", "42"];

    private static readonly Gen<string> Scalar = Gen.OneOf(
        Gen.Elements(Texts).Select(t => JsonSerializer.Serialize(t)),
        Gen.Elements(Numbers),
        Gen.Elements("true", "false", "null"),
        Gen.Choose(0, 60)
            .SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 0x2FF).Select(c => (char)c), n))
            .Select(cs => JsonSerializer.Serialize(new string(cs)))
    );

    /// <summary>A well-formed JSON value up to <paramref name="depth"/> levels deep.</summary>
    public static Gen<string> Value(int depth) =>
        depth <= 0
            ? Scalar
            : Gen.Frequency(
                (3, Scalar),
                (
                    2,
                    Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Value(depth - 1), n)).Select(items => "[" + string.Join(",", items) + "]")
                ),
                (3, Object(depth - 1))
            );

    private static Gen<string> Object(int depth) =>
        Gen.Choose(0, 5)
            .SelectMany(n =>
                Gen.ArrayOf(Gen.Elements(Keys).SelectMany(k => Value(depth).Select(v => JsonSerializer.Serialize(k) + ":" + v)), n)
            )
            .Select(members => "{" + string.Join(",", members) + "}");

    /// <summary>A JSON document: usually an object, sometimes anything; one in five is mangled.</summary>
    public static Gen<string> Document => Gen.Frequency((4, Object(3)), (1, Value(3))).SelectMany(Mangle);

    /// <summary>A PatchOp request with 0-4 operations of real and unreal ops, paths and values; one in five mangled.</summary>
    public static Gen<string> PatchDocument =>
        Gen.Choose(0, 4)
            .SelectMany(n => Gen.ArrayOf(Operation, n))
            .SelectMany(ops =>
                Gen.Elements("\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],", "", "\"schemas\":\"x\",")
                    .Select(schemas => "{" + schemas + "\"Operations\":[" + string.Join(",", ops) + "]}")
            )
            .SelectMany(Mangle);

    private static Gen<string> Operation =>
        from op in Gen.Elements("add", "replace", "remove", "Add", "Replace", "Remove", "jump", "", "ADD")
        from path in Gen.Elements<string?>(
            null,
            "userName",
            "title",
            "name.givenName",
            "emails",
            "emails[type eq \"work\"].value",
            "emails[type eq \"work\"",
            "members",
            "members[value eq \"0123456789abcdef0123456789abcdef\"]",
            "active",
            "id",
            "meta.created",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
            "nosuch",
            "name..x",
            "",
            "displayName",
            "phoneNumbers[primary eq true]"
        )
        from value in Gen.OneOf(Value(2), Gen.Constant("MISSING"))
        select "{\"op\":"
            + JsonSerializer.Serialize(op)
            + (path is null ? "" : ",\"path\":" + JsonSerializer.Serialize(path))
            + (value == "MISSING" ? "" : ",\"value\":" + value)
            + "}";

    /// <summary>Filter text from SCIM's tokens, stray characters and quotes.</summary>
    public static Gen<string> FilterText =>
        Gen.Choose(1, 24)
            .SelectMany(length =>
                Gen.ArrayOf(
                    Gen.Frequency(
                        (
                            6,
                            Gen.Elements(
                                "userName",
                                "emails",
                                "emails.value",
                                "name.givenName",
                                "meta.created",
                                "active",
                                "displayName",
                                "members",
                                " eq ",
                                " ne ",
                                " co ",
                                " sw ",
                                " ew ",
                                " gt ",
                                " ge ",
                                " lt ",
                                " le ",
                                " pr",
                                " and ",
                                " or ",
                                "not ",
                                "(",
                                ")",
                                "[",
                                "]",
                                "\"x\"",
                                "\"2026-01-01T00:00:00Z\"",
                                "true",
                                "null",
                                "42",
                                "1e999",
                                "\"",
                                "\\",
                                " ",
                                "urn:ietf:params:scim:schemas:core:2.0:User:"
                            )
                        ),
                        (1, Gen.Choose(0, 0x2FF).Select(c => ((char)c).ToString()))
                    ),
                    length
                )
            )
            .Select(string.Concat);

    private static Gen<string> Mangle(string json) =>
        Gen.Frequency(
            (4, Gen.Constant(json)),
            (
                1,
                Gen.Choose(0, Math.Max(0, json.Length))
                    .SelectMany(at => Gen.Elements("", "{", "}", "\"", ",", "\\", "\u0000", ":", "[").Select(insert => json[..at] + insert))
            ),
            (
                1,
                Gen.Choose(0, Math.Max(0, json.Length))
                    .SelectMany(at =>
                        Gen.Elements("{", "}", "\"", ",", "\\u", "\u0001", "]").Select(insert => json[..at] + insert + json[at..])
                    )
            )
        );
}
