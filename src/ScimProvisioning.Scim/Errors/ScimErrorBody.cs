using System.Text.Json.Nodes;

namespace ScimProvisioning.Scim.Errors;

/// <summary>The RFC 7644 §3.12 error document. <c>status</c> is a string, as the RFC shows and Okta checks.</summary>
public static class ScimErrorBody
{
    public static JsonObject Create(int status, string? scimType, string detail)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.Error),
            ["status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (scimType is not null)
        {
            body["scimType"] = scimType;
        }

        body["detail"] = detail;
        return body;
    }
}
