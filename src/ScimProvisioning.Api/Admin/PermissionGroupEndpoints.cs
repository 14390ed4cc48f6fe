using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Domain.Permissions;

namespace ScimProvisioning.Api.Admin;

/// <summary>The role catalogue: <c>/accounts/{id}/iam/permission_groups</c>.</summary>
public static class PermissionGroupEndpoints
{
    public sealed record Query(
        [property: FromQuery(Name = "page")] int? Page,
        [property: FromQuery(Name = "per_page")] int? PerPage,
        [property: FromQuery(Name = "name")] string? Name,
        [property: FromQuery(Name = "label")] string? Label
    );

    public static RouteGroupBuilder MapAdminPermissionGroups(this RouteGroupBuilder accounts)
    {
        var roles = accounts
            .MapGroup("/iam/permission_groups")
            .WithTags("Permission groups (roles)")
            .RequireAuthorization(Policies.AccountRead);
        roles.MapGet("", List).WithName("ListPermissionGroups").WithSummary("Cloudflare's roles with their ids and scopes");
        roles.MapGet("/{permission_group_id}", Get).WithName("GetPermissionGroup").WithSummary("One role");
        return roles;
    }

    private static Envelope<List<PermissionGroupView>> List([AsParameters] Query query)
    {
        var (page, perPage) = new PageQuery(query.Page, query.PerPage).Resolve(20, 5, 100);
        var roles = PermissionGroupCatalog
            .All.Where(r => query.Name is null || r.Name.Contains(query.Name, StringComparison.OrdinalIgnoreCase))
            .Where(r => query.Label is null || r.Label == query.Label)
            .ToList();
        var items = roles.Skip((page - 1) * perPage).Take(perPage).Select(PermissionGroupView.From).ToList();
        return CloudflareResults.Ok(items, PageQuery.Info(page, perPage, items.Count, roles.Count));
    }

    private static Results<Envelope<PermissionGroupView>, EnvelopeNotFound> Get(string permission_group_id) =>
        PermissionGroupCatalog.Find(permission_group_id) is { } role
            ? CloudflareResults.Ok(PermissionGroupView.From(role))
            : CloudflareResults.NotFound("Permission group not found.");
}
