using System.Text.Json.Nodes;
using ScimProvisioning.Scim.Patching;

namespace ScimProvisioning.Api.Recording;

/// <summary>How the recorder shows what the SCIM pipeline normalised.</summary>
public static class ScimRecordingViews
{
    /// <summary>PATCH operations as the engine reads them: lower-case op, path, value (shared, copied when written).</summary>
    public static JsonArray Operations(IReadOnlyList<PatchOperation> operations) =>
        new(
            operations
                .Take(100)
                .Select(o =>
                    (JsonNode)
                        new JsonObject
                        {
                            ["op"] = o.Op.ToString().ToLowerInvariant(),
                            ["path"] = o.Path,
                            ["value"] = o.Value?.DeepClone(),
                        }
                )
                .ToArray()
        );
}
