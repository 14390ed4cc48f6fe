using System.Text.Json.Nodes;

namespace ScimProvisioning.Api.Scim;

/// <summary>
/// What a write needs from its request — body, If-Match and the response's attribute selection — so the same code
/// serves a plain request and an operation inside /Bulk.
/// </summary>
public sealed record ScimWrite(JsonNode? Body, string? IfMatch, ScimSingleQuery Query)
{
    public static async Task<ScimWrite> ReadAsync(HttpRequest request, ScimContext scim, ScimSingleQuery query, bool hasBody = true) =>
        new(
            hasBody ? await ScimRequest.ReadJsonAsync(request, scim.Options.MaxRequestBodyBytes) : null,
            request.Headers.IfMatch.Count == 0 ? null : request.Headers.IfMatch.ToString(),
            query
        );
}
