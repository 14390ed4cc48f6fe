using System.Text.Json.Nodes;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Scim;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Schemas;

namespace ScimProvisioning.Api.Scim.Discovery;

/// <summary>
/// /ServiceProviderConfig, /ResourceTypes and /Schemas (RFC 7644 §4). They describe exactly what the running profile
/// does — authentik parses the config strictly and silently degrades to PUT-only sync when it cannot.
/// </summary>
public static class DiscoveryEndpoints
{
    /// <summary>The resource types this server serves.</summary>
    public static IReadOnlyList<ScimResourceType> ResourceTypes { get; } = [CoreSchemas.UserResource, CoreSchemas.GroupResource];

    public static RouteGroupBuilder MapScimDiscovery(this RouteGroupBuilder scim)
    {
        var discovery = scim.MapGroup("").WithTags("SCIM Discovery").RequireAuthorization(Policies.ScimRead);
        discovery
            .MapGet("/ServiceProviderConfig", ServiceProviderConfig)
            .WithName("GetServiceProviderConfig")
            .WithSummary("What this server supports (RFC 7643 §5)");
        // authentik's Salesforce compatibility mode asks the plural.
        discovery.MapGet("/ServiceProviderConfigs", ServiceProviderConfig).ExcludeFromDescription();
        discovery.MapGet("/ResourceTypes", ListResourceTypes).WithName("ListResourceTypes").WithSummary("The resource types served");
        discovery.MapGet("/ResourceTypes/{name}", GetResourceType).WithName("GetResourceType").WithSummary("One resource type");
        discovery.MapGet("/Schemas", ListSchemas).WithName("ListSchemas").WithSummary("Every schema with full attribute definitions");
        discovery.MapGet("/Schemas/{uri}", GetSchema).WithName("GetSchema").WithSummary("One schema by URN");
        return discovery;
    }

    private static ScimJsonResult ServiceProviderConfig(ScimContext scim)
    {
        var features = scim.Profile.Features;
        var maxPageSize = scim.Profile.MaxPageSize(scim.Options);
        var config = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.ServiceProviderConfig),
            ["documentationUri"] = "https://developers.cloudflare.com/fundamentals/account/account-security/scim-setup/",
            ["patch"] = new JsonObject { ["supported"] = true },
            ["bulk"] = features.Bulk
                ? new JsonObject
                {
                    ["supported"] = true,
                    ["maxOperations"] = scim.Options.BulkMaxOperations,
                    ["maxPayloadSize"] = scim.Options.BulkMaxPayloadBytes,
                }
                : new JsonObject
                {
                    ["supported"] = false,
                    ["maxOperations"] = 0,
                    ["maxPayloadSize"] = 0,
                },
            ["filter"] = new JsonObject { ["supported"] = true, ["maxResults"] = maxPageSize },
            ["changePassword"] = new JsonObject { ["supported"] = features.ChangePassword },
            ["sort"] = new JsonObject { ["supported"] = features.Sort },
            ["etag"] = new JsonObject { ["supported"] = features.ETag },
            ["authenticationSchemes"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "oauthbearertoken",
                    ["name"] = "OAuth Bearer Token",
                    ["description"] = "Authentication with an account API token sent as 'Authorization: Bearer <token>'.",
                    ["specUri"] = "http://www.rfc-editor.org/info/rfc6750",
                    ["primary"] = true,
                }
            ),
            ["meta"] = new JsonObject
            {
                ["resourceType"] = "ServiceProviderConfig",
                ["location"] = $"{scim.BaseUrl}/ServiceProviderConfig",
            },
        };
        if (features.CursorPaging)
        {
            // RFC 9865 §4: both methods are served; index paging stays the default.
            config["pagination"] = new JsonObject
            {
                ["cursor"] = true,
                ["index"] = true,
                ["defaultPaginationMethod"] = "index",
                ["defaultPageSize"] = Math.Min(scim.Options.DefaultPageSize, maxPageSize),
                ["maxPageSize"] = maxPageSize,
                ["cursorTimeout"] = 0,
            };
        }

        if (features.SecurityEvents)
        {
            // RFC 9967 §4: the SET event URIs this server emits (delivered as docs/events.md describes).
            config["securityEvents"] = new JsonObject
            {
                ["asyncRequest"] = "none",
                ["eventUris"] = new JsonArray(Domain.Events.ProvisioningEvents.Uris.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
            };
        }

        return new ScimJsonResult(config);
    }

    private static ScimJsonResult ListResourceTypes(ScimContext scim) =>
        new(ListResponse.Create(ResourceTypes.Select(t => t.ToJson($"{scim.BaseUrl}/ResourceTypes/{t.Name}")), ResourceTypes.Count, 1));

    private static ScimJsonResult GetResourceType(string name, ScimContext scim)
    {
        var type =
            ResourceTypes.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw ScimException.NotFound($"Resource type '{ScimFilters.Truncate(name)}' is not served here.");
        return new ScimJsonResult(type.ToJson($"{scim.BaseUrl}/ResourceTypes/{type.Name}"));
    }

    /// <summary>The schemas as the running profile serves them (the Cloudflare profile's user <c>groups</c> are id strings).</summary>
    private static IEnumerable<ScimSchema> ServedSchemas(ScimContext scim) =>
        ResourceTypes.SelectMany(t => t.AllSchemas).DistinctBy(s => s.Id).Select(s => s == CoreSchemas.User ? scim.Profile.UserSchema : s);

    private static ScimJsonResult ListSchemas(ScimContext scim)
    {
        var schemas = ServedSchemas(scim).ToList();
        return new(ListResponse.Create(schemas.Select(s => s.ToJson($"{scim.BaseUrl}/Schemas/{s.Id}")), schemas.Count, 1));
    }

    private static ScimJsonResult GetSchema(string uri, ScimContext scim)
    {
        var schema =
            ServedSchemas(scim).FirstOrDefault(s => string.Equals(s.Id, uri, StringComparison.OrdinalIgnoreCase))
            ?? throw ScimException.NotFound($"Schema '{ScimFilters.Truncate(uri)}' is not served here.");
        return new ScimJsonResult(schema.ToJson($"{scim.BaseUrl}/Schemas/{schema.Id}"));
    }
}
