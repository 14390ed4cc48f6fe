using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Scim.Errors;

namespace ScimProvisioning.Scim.Patching;

public enum PatchOp
{
    Add,
    Replace,
    Remove,
}

/// <summary>One entry of a PatchOp request's <c>Operations</c> (RFC 7644 §3.5.2).</summary>
public sealed record PatchOperation(PatchOp Op, string? Path, JsonNode? Value)
{
    /// <summary>
    /// Reads a PatchOp body. <c>op</c> is matched in any case (Entra sends <c>Replace</c>); keys other than
    /// op/path/value (Postman's <c>name</c>) are ignored.
    /// </summary>
    public static IReadOnlyList<PatchOperation> ReadRequest(JsonNode? body, int maxOperations)
    {
        if (body is not JsonObject request)
        {
            throw ScimException.InvalidSyntax("A PATCH body must be a PatchOp JSON object.");
        }

        var schemas = Get(request, "schemas");
        if (
            schemas is JsonArray schemaList
            && schemaList.Count > 0
            && !schemaList.Any(s =>
                s is JsonValue v
                && v.GetValueKind() == JsonValueKind.String
                && string.Equals(v.GetValue<string>(), ScimSchemaUris.PatchOp, StringComparison.OrdinalIgnoreCase)
            )
        )
        {
            throw ScimException.InvalidSyntax($"A PATCH body must declare the schema {ScimSchemaUris.PatchOp}.");
        }

        if (Get(request, "Operations") is not JsonArray operations || operations.Count == 0)
        {
            throw ScimException.InvalidSyntax("A PATCH body needs a non-empty 'Operations' array.");
        }

        if (operations.Count > maxOperations)
        {
            throw ScimException.TooMany($"A PATCH request may carry at most {maxOperations} operations; this one has {operations.Count}.");
        }

        var result = new List<PatchOperation>(operations.Count);
        foreach (var node in operations)
        {
            if (node is not JsonObject operation)
            {
                throw ScimException.InvalidSyntax("Each PATCH operation must be a JSON object.");
            }

            var opText =
                Get(operation, "op") is JsonValue opValue && opValue.GetValueKind() == JsonValueKind.String
                    ? opValue.GetValue<string>()
                    : null;
            if (!Enum.TryParse<PatchOp>(opText, ignoreCase: true, out var op) || !opText!.All(char.IsAsciiLetter))
            {
                throw ScimException.InvalidSyntax($"PATCH 'op' must be add, replace or remove; got '{opText ?? "nothing"}'.");
            }

            string? path = null;
            var pathNode = Get(operation, "path");
            if (pathNode is JsonValue pathValue && pathValue.GetValueKind() == JsonValueKind.String)
            {
                path = pathValue.GetValue<string>().Trim();
                if (path.Length == 0)
                {
                    path = null;
                }
            }
            else if (pathNode is not null)
            {
                throw ScimException.InvalidPath("PATCH 'path' must be a string.");
            }

            if (op == PatchOp.Add && !operation.Any(p => string.Equals(p.Key, "value", StringComparison.OrdinalIgnoreCase)))
            {
                throw ScimException.InvalidValue("A PATCH 'add' needs a 'value' (RFC 7644 §3.5.2.1).");
            }

            var value = Get(operation, "value")?.DeepClone();
            if (op != PatchOp.Remove && path is null && value is not JsonObject)
            {
                throw ScimException.InvalidValue($"A PATCH '{op.ToString().ToLowerInvariant()}' without a path needs an object value.");
            }

            if (op == PatchOp.Remove && path is null)
            {
                throw ScimException.NoTarget("A PATCH 'remove' needs a path.");
            }

            result.Add(new PatchOperation(op, path, value));
        }

        return result;
    }

    private static JsonNode? Get(JsonObject obj, string name) => Filtering.JsonFilterEvaluator.Get(obj, name);
}
