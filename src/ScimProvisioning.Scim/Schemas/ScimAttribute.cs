using System.Text.Json.Nodes;

namespace ScimProvisioning.Scim.Schemas;

public enum ScimType
{
    String,
    Boolean,
    Decimal,
    Integer,
    DateTime,
    Binary,
    Reference,
    Complex,
}

public enum Mutability
{
    ReadWrite,
    ReadOnly,
    Immutable,
    WriteOnly,
}

public enum Returned
{
    Default,
    Always,
    Never,
    Request,
}

public enum Uniqueness
{
    None,
    Server,
    Global,
}

/// <summary>One attribute definition of RFC 7643 §7, used both to describe and to enforce.</summary>
public sealed record ScimAttribute(
    string Name,
    ScimType Type,
    string Description,
    bool MultiValued = false,
    bool Required = false,
    bool CaseExact = false,
    Mutability Mutability = Mutability.ReadWrite,
    Returned Returned = Returned.Default,
    Uniqueness Uniqueness = Uniqueness.None,
    IReadOnlyList<ScimAttribute>? SubAttributes = null,
    IReadOnlyList<string>? CanonicalValues = null,
    IReadOnlyList<string>? ReferenceTypes = null
)
{
    public IReadOnlyList<ScimAttribute> SubAttributes { get; init; } = SubAttributes ?? [];

    public ScimAttribute? FindSubAttribute(string name) =>
        SubAttributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["name"] = Name,
            ["type"] = Type switch
            {
                ScimType.DateTime => "dateTime",
                _ => Type.ToString().ToLowerInvariant(),
            },
            ["multiValued"] = MultiValued,
            ["description"] = Description,
            ["required"] = Required,
        };
        // §7 defines caseExact for strings; strict clients read it on every attribute, so it is always present.
        json["caseExact"] = CaseExact;

        if (CanonicalValues is { Count: > 0 })
        {
            json["canonicalValues"] = new JsonArray(CanonicalValues.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
        }

        if (ReferenceTypes is { Count: > 0 })
        {
            json["referenceTypes"] = new JsonArray(ReferenceTypes.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
        }

        json["mutability"] = Mutability switch
        {
            Mutability.ReadOnly => "readOnly",
            Mutability.Immutable => "immutable",
            Mutability.WriteOnly => "writeOnly",
            _ => "readWrite",
        };
        json["returned"] = Returned switch
        {
            Returned.Always => "always",
            Returned.Never => "never",
            Returned.Request => "request",
            _ => "default",
        };
        json["uniqueness"] = Uniqueness.ToString().ToLowerInvariant();
        if (Type == ScimType.Complex)
        {
            json["subAttributes"] = new JsonArray(SubAttributes.Select(s => (JsonNode)s.ToJson()).ToArray());
        }

        return json;
    }
}
