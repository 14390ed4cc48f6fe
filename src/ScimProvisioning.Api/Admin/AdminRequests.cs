using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Api.Scim;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Permissions;

namespace ScimProvisioning.Api.Admin;

/// <summary>Cloudflare's page/per_page paging.</summary>
public sealed record PageQuery([property: FromQuery(Name = "page")] int? Page, [property: FromQuery(Name = "per_page")] int? PerPage)
{
    public (int Page, int PerPage) Resolve(int defaultPerPage, int minPerPage, int maxPerPage) =>
        (Math.Max(1, Page ?? 1), Math.Clamp(PerPage ?? defaultPerPage, minPerPage, maxPerPage));

    public static ResultInfo Info(int page, int perPage, int count, int total) =>
        new(page, perPage, count, total, (total + perPage - 1) / perPage);
}

/// <summary>Reads admin API bodies in Cloudflare's shapes, tolerant where Cloudflare's own docs disagree.</summary>
public static class AdminRequests
{
    public static async Task<JsonNode> ReadAsync(HttpRequest request)
    {
        var limit = request.HttpContext.RequestServices.GetRequiredService<IOptions<ScimOptions>>().Value.MaxRequestBodyBytes;
        return await ScimRequest.ReadJsonAsync(request, limit) ?? throw Invalid("The request body must not be null.");
    }

    /// <summary>A body that must be one JSON object (every admin write except the member-list ones).</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request) =>
        await ReadAsync(request) as JsonObject ?? throw Invalid("The request body must be a JSON object.");

    public static DomainException Invalid(string message, string? field = null) => new(DomainErrorKind.Invalid, message, field);

    public static string? Text(JsonNode? node, string name) => ScimProvisioning.Scim.Serialization.JsonText.Of(node, name);

    /// <summary><c>["id", …]</c> or <c>[{"id": …}, …]</c> — Cloudflare's docs show both.</summary>
    public static List<string> Ids(JsonNode? node, string field)
    {
        if (node is not JsonArray array)
        {
            throw Invalid($"'{field}' must be an array of ids or {{\"id\": …}} objects.", field);
        }

        return array
            .Select(item =>
                item switch
                {
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                    JsonObject o when Text(o, "id") is { } id => id,
                    _ => throw Invalid($"Each entry of '{field}' must be an id string or an {{\"id\": …}} object.", field),
                }
            )
            .ToList();
    }

    /// <summary>
    /// <c>[{access, permission_groups:[{id}], resource_groups:[{id}] | [{scope:{key, objects:[{key}]}}]}]</c>; one
    /// resource group per policy (a policy has exactly one scope).
    /// </summary>
    public static List<PolicyDraft> Policies(JsonNode? node)
    {
        if (node is not JsonArray array)
        {
            throw Invalid("'policies' must be an array.", "policies");
        }

        return array
            .Select(item =>
            {
                if (item is not JsonObject policy)
                {
                    throw Invalid("Each policy must be an object.", "policies");
                }

                var access = Text(policy, "access") switch
                {
                    "allow" => PolicyAccess.Allow,
                    "deny" => PolicyAccess.Deny,
                    _ => throw Invalid("A policy's 'access' must be \"allow\" or \"deny\".", "access"),
                };
                var roles = Ids(policy["permission_groups"], "permission_groups");
                if (policy["resource_groups"] is not JsonArray { Count: 1 } scopes)
                {
                    throw Invalid("A policy needs exactly one entry in 'resource_groups' (its scope).", "resource_groups");
                }

                var scope = scopes[0];
                if (scope is JsonValue single && single.GetValueKind() == JsonValueKind.String)
                {
                    return new PolicyDraft(access, roles, single.GetValue<string>(), null);
                }

                if (scope is JsonObject scopeObject && scopeObject["scope"] is { } inline)
                {
                    return new PolicyDraft(access, roles, null, Scope(inline));
                }

                return new PolicyDraft(
                    access,
                    roles,
                    Text(scope, "id") ?? throw Invalid("A resource group needs an 'id' or an inline 'scope'.", "resource_groups"),
                    null
                );
            })
            .ToList();
    }

    /// <summary><c>{key, objects:[{key}]}</c> (or a one-element array of it, as older SDKs send).</summary>
    public static ScopeDraft Scope(JsonNode? node)
    {
        if (node is JsonArray { Count: 1 } wrapped)
        {
            node = wrapped[0];
        }

        var key = Text(node, "key") ?? throw Invalid("scope.key is required.", "scope");
        if (node!["objects"] is not JsonArray objects)
        {
            throw Invalid("scope.objects must be an array of {\"key\": …}.", "scope");
        }

        return new ScopeDraft(
            key,
            objects
                .Select(o =>
                    Text(o, "key")
                    ?? (
                        o is JsonValue v && v.GetValueKind() == JsonValueKind.String
                            ? v.GetValue<string>()
                            : throw Invalid("Each scope object needs a 'key'.", "scope")
                    )
                )
                .ToList()
        );
    }
}
