using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Persistence;

namespace ScimProvisioning.Api.Admin;

/// <summary>Scopes: <c>/accounts/{id}/iam/resource_groups</c>.</summary>
public static class ResourceGroupEndpoints
{
    public static RouteGroupBuilder MapAdminResourceGroups(this RouteGroupBuilder accounts)
    {
        var groups = accounts.MapGroup("/iam/resource_groups").WithTags("Resource groups (scopes)");
        groups.MapGet("", List).RequireAuthorization(Policies.AccountRead).WithName("ListResourceGroups").WithSummary("List scopes");
        groups
            .MapGet("/{resource_group_id}", Get)
            .RequireAuthorization(Policies.AccountRead)
            .WithName("GetResourceGroup")
            .WithSummary("One scope");
        groups
            .MapPost("", Create)
            .RequireAuthorization(Policies.AccountWrite)
            .WithName("CreateResourceGroup")
            .WithSummary("Create a scope: {name?, scope:{key, objects:[{key}]}}");
        groups
            .MapPut("/{resource_group_id}", Update)
            .RequireAuthorization(Policies.AccountWrite)
            .WithName("UpdateResourceGroup")
            .WithSummary("Rename or re-scope");
        groups
            .MapDelete("/{resource_group_id}", Delete)
            .RequireAuthorization(Policies.AccountWrite)
            .WithName("DeleteResourceGroup")
            .WithSummary("Delete an unused scope");
        return groups;
    }

    private static async Task<Envelope<List<ResourceGroupView>>> List(
        string account_id,
        [AsParameters] PageQuery query,
        ScimDbContext db,
        CancellationToken cancellationToken
    )
    {
        var (page, perPage) = query.Resolve(20, 5, 50);
        var all = db.ResourceGroups.AsNoTracking().Where(r => r.AccountId == account_id);
        var total = await all.CountAsync(cancellationToken);
        var items = await all.OrderBy(r => r.Created)
            .ThenBy(r => r.Id)
            .Skip((page - 1) * perPage)
            .Take(perPage)
            .ToListAsync(cancellationToken);
        return CloudflareResults.Ok(items.Select(ResourceGroupView.From).ToList(), PageQuery.Info(page, perPage, items.Count, total));
    }

    private static async Task<Results<Envelope<ResourceGroupView>, EnvelopeNotFound>> Get(
        string account_id,
        string resource_group_id,
        ScimDbContext db,
        CancellationToken cancellationToken
    ) =>
        await db
            .ResourceGroups.AsNoTracking()
            .SingleOrDefaultAsync(r => r.AccountId == account_id && r.Id == resource_group_id, cancellationToken)
            is { } group
            ? CloudflareResults.Ok(ResourceGroupView.From(group))
            : CloudflareResults.NotFound("Resource group not found.");

    private static async Task<Envelope<ResourceGroupView>> Create(
        string account_id,
        HttpContext http,
        ResourceGroupProvisioning scopes,
        CancellationToken cancellationToken
    )
    {
        var body = await AdminRequests.ReadObjectAsync(http.Request);
        var group = await scopes.CreateAsync(
            Actor(http),
            account_id,
            AdminRequests.Text(body, "name"),
            AdminRequests.Scope(body["scope"]),
            cancellationToken
        );
        return CloudflareResults.Ok(ResourceGroupView.From(group));
    }

    private static async Task<Results<Envelope<ResourceGroupView>, EnvelopeNotFound>> Update(
        string account_id,
        string resource_group_id,
        HttpContext http,
        ResourceGroupProvisioning scopes,
        CancellationToken cancellationToken
    )
    {
        if (await scopes.FindAsync(account_id, resource_group_id, cancellationToken) is not { } group)
        {
            return CloudflareResults.NotFound("Resource group not found.");
        }

        var body = await AdminRequests.ReadObjectAsync(http.Request);
        var scope = body["scope"] is null ? null : AdminRequests.Scope(body["scope"]);
        await scopes.UpdateAsync(Actor(http), group, AdminRequests.Text(body, "name"), scope, cancellationToken);
        return CloudflareResults.Ok(ResourceGroupView.From(group));
    }

    private static async Task<Results<Envelope<IdView>, EnvelopeNotFound>> Delete(
        string account_id,
        string resource_group_id,
        HttpContext http,
        ResourceGroupProvisioning scopes,
        CancellationToken cancellationToken
    )
    {
        if (await scopes.FindAsync(account_id, resource_group_id, cancellationToken) is not { } group)
        {
            return CloudflareResults.NotFound("Resource group not found.");
        }

        await scopes.DeleteAsync(Actor(http), group, cancellationToken);
        return CloudflareResults.Ok(new IdView(group.Id));
    }

    private static Actor Actor(HttpContext http) => new(http.User.TokenId()!);
}
