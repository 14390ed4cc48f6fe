using ScimProvisioning.Api.Scim.Discovery;
using ScimProvisioning.Api.Scim.Groups;
using ScimProvisioning.Api.Scim.Users;

namespace ScimProvisioning.Api.Scim;

public static class ScimEndpoints
{
    /// <summary>Cloudflare's base path, so an IdP set up for Cloudflare only needs the host changed.</summary>
    public const string BasePath = "/client/v4/accounts/{account_id}/scim/v2";

    public static IEndpointRouteBuilder MapScim(this IEndpointRouteBuilder app)
    {
        var scim = app.MapGroup(BasePath);
        scim.MapScimUsers();
        scim.MapScimGroups();
        scim.MapScimDiscovery();
        scim.MapScimSearch();
        scim.MapScimBulk();
        // Anything else under the SCIM base is a SCIM 404, not an empty page.
        scim.MapFallback(
                (HttpContext context) =>
                    ErrorResponses.Scim(
                        StatusCodes.Status404NotFound,
                        null,
                        $"No SCIM endpoint at {context.Request.Method} {context.Request.Path}."
                    )
            )
            .ExcludeFromDescription();
        return app;
    }
}
