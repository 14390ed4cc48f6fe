using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimProvisioning.Api.Persistence;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Audit;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Users;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Patching;
using ScimProvisioning.Scim.Schemas;
using ScimProvisioning.Scim.Serialization;

namespace ScimProvisioning.Api.Scim.Users;

/// <summary>
/// The SCIM user application service: one method per read or write of /Users, shared by the endpoints and /Bulk. It
/// parses the request into the entity through the running profile (<see cref="Profiles.IScimProfile"/>), hands it
/// to <see cref="UserProvisioning"/> (the rules and the commit) and returns a typed outcome.
/// </summary>
public sealed class ScimUsers(ScimContext scim, UserProvisioning provisioning, ScimDbContext db, ResourceReadCache cache)
{
    /// <summary>A filtered, sorted page of users as SCIM resources: GET /Users, POST /Users/.search and the root search.</summary>
    public async Task<ListPage<JsonObject>> SearchAsync(ListRequest request)
    {
        var filter = request.Filter is null ? null : ScimFilters.Parse(request.Filter, scim, Profiles.FilterTarget.Users);
        if (filter is not null && UserNameLookup(filter) is { } userName && request is { UsesCursor: false, SortBy: null })
        {
            // Before any LINQ is built: composing the query's expression tree (generic method lookups) was 2 % of this
            // request's CPU in a profile.
            return await SearchByUserNameAsync(userName, request);
        }

        var users = db.Users.AsNoTracking().Where(u => u.AccountId == scim.AccountId);
        if (filter is not null)
        {
            users = users.Where(ScimFilterTranslator.ToPredicate(filter, UserQueryMap.Instance));
        }

        var page = await ScimQueries.PageAsync(
            users,
            u => u.Key,
            request,
            UserQueryMap.Instance,
            q => q.Include(u => u.Emails).Include(u => u.MultiValues).AsSplitQuery(),
            scim.Aborted,
            $"users|{scim.AccountId}"
        );
        var groups = await GroupsOfAsync(page.Items.Select(u => u.Key).ToList());
        var resources = page
            .Items.Select(u =>
                ScimDocument.Project(
                    UserResourceMapper.ToResource(u, scim.Profile, scim.BaseUrl, groups[u.Key].ToList()),
                    CoreSchemas.UserResource,
                    request.Attributes,
                    request.ExcludedAttributes
                )
            )
            .ToList();
        return new ListPage<JsonObject>(page.Total, resources, page.NextCursor);
    }

    private static readonly string? UserNameKey = UserQueryMap.Instance.Key(new AttributePath(null, "userName"), includeSub: true);

    /// <summary>The userName of <c>userName eq "…"</c> (any spelling of the attribute), or null for any other filter.</summary>
    private static string? UserNameLookup(FilterNode filter) =>
        filter is ComparisonFilter { Operator: ComparisonOperator.Eq, Value: { Kind: FilterValueKind.String, Text: { } text } } comparison
        && UserNameKey is not null
        && UserQueryMap.Instance.Key(comparison.Path, includeSub: true) == UserNameKey
            ? text
            : null;

    /// <summary>
    /// <c>userName eq "…"</c>, the lookup Okta and Entra make for every user they match: at most one user, read with the
    /// single command of <c>GET /Users/{id}</c> through the unique index on the folded userName (the general path costs
    /// a count, three queries and a groups query). Same answer: total 0 or 1, paged and projected as any list.
    /// </summary>
    private async Task<ListPage<JsonObject>> SearchByUserNameAsync(string userName, ListRequest request)
    {
        var view = cache.KeptByName(scim.AccountId, userName)?.View;
        if (view is null)
        {
            var generation = ReadCacheGeneration();
            view = await UserReads.ReadByUserNameAsync(db, scim.AccountId, userName, scim.Aborted);
            if (view is not null)
            {
                cache.Keep(view, generation);
            }
        }

        return LookupPage(view, request, scim);
    }

    /// <summary>
    /// The change count to keep a read under, or null: never for a read inside a transaction, which can see rows that
    /// are not committed yet (and may never be).
    /// </summary>
    private long? ReadCacheGeneration() => db.Database.CurrentTransaction is null ? cache.BeforeRead() : null;

    /// <summary>The page a <c>userName eq</c> lookup answers with: total 0 or 1, paged and projected as any list.</summary>
    private static ListPage<JsonObject> LookupPage(UserView? view, ListRequest request, ScimContext scim)
    {
        var total = view is null ? 0 : 1;
        if (view is null || request.Count == 0 || request.StartIndex > total)
        {
            return new ListPage<JsonObject>(total, [], null);
        }

        var resource = ScimDocument.Project(
            UserResourceMapper.ToResource(view.User, scim.Profile, scim.BaseUrl, view.Groups),
            CoreSchemas.UserResource,
            request.Attributes,
            request.ExcludedAttributes
        );
        return new ListPage<JsonObject>(total, [resource], null);
    }

    /// <summary>
    /// The answer to a <c>userName eq</c> lookup whose user the read cache holds, made without a database session;
    /// null for any other list request or when the user is not held. The full resource inside is the copy's rendering.
    /// </summary>
    public static ScimJsonResult? AnswerFromCache(ListRequest request, ScimContext scim, ResourceReadCache cache)
    {
        if (
            !cache.Enabled
            || request is not { Filter: { } text, UsesCursor: false, SortBy: null }
            || UserNameLookup(ScimFilters.Parse(text, scim, Profiles.FilterTarget.Users)) is not { } userName
            || cache.KeptByName(scim.AccountId, userName) is not { } kept
        )
        {
            return null;
        }

        if (request is not { Attributes.Count: 0, ExcludedAttributes.Count: 0, StartIndex: <= 1, Count: > 0 })
        {
            var page = LookupPage(kept.View, request, scim);
            return new ScimJsonResult(ListResponse.Create(page.Items, page.Total, request.StartIndex));
        }

        return ListResponse.Single(RenderedResource(kept, scim), request.StartIndex);
    }

    /// <summary>
    /// One user with its groups, read from the database without tracking (the caller has already asked the read cache)
    /// and kept in the cache; SCIM 404 when unknown.
    /// </summary>
    public async Task<UserView> GetAsync(string id)
    {
        if (!Identifiers.IsTag(id))
        {
            throw NotFound(id);
        }

        var generation = ReadCacheGeneration();
        var view = await UserReads.ReadAsync(db, scim.AccountId, id, scim.Aborted) ?? throw NotFound(id);
        cache.Keep(view, generation);
        return view;
    }

    /// <summary>A user as a SCIM resource, projected by <c>attributes</c> / <c>excludedAttributes</c>.</summary>
    public static JsonObject Resource(UserView view, ScimContext scim, ScimSingleQuery query) =>
        Project(view.User, view.Groups, scim, query);

    /// <summary>The UTF-8 JSON of a kept user's full resource (no <c>attributes</c> asked), rendered once per copy.</summary>
    public static byte[] RenderedResource(ResourceReadCache.KeptUser kept, ScimContext scim) =>
        kept.Rendered(
            scim.BaseUrl,
            (kept.View, scim),
            static s => ScimJsonResult.Render(Resource(s.View, s.scim, new ScimSingleQuery(null, null)))
        );

    public string? Version(User user) => ScimETags.Of(scim.Profile, user.Version);

    public async Task<ScimWriteOutcome> CreateAsync(ScimWrite write)
    {
        var document = ScimDocument.Canonicalize(CoreSchemas.UserResource, write.Body);
        scim.Recording?.Normalised(document);
        var user = provisioning.NewUser(scim.AccountId);
        UserResourceMapper.Apply(document, user, defaultActive: true);
        var result = await provisioning.CreateAsync(scim.Actor, user, UserWriteKind.ScimCreate, scim.Aborted);
        // A user just created belongs to no group yet: nothing to look up.
        return Written(result, [], write.Query, StatusCodes.Status201Created);
    }

    public async Task<ScimWriteOutcome> ReplaceAsync(string id, ScimWrite write)
    {
        var user = await FindAsync(id);
        ScimETags.CheckIfMatch(write.IfMatch, scim.Profile, user.Version);
        var document = ScimDocument.Canonicalize(CoreSchemas.UserResource, write.Body);
        scim.Recording?.Normalised(document);
        UserResourceMapper.Apply(document, user, defaultActive: scim.Profile.ActiveWhenOmitted(user));
        var result = await provisioning.UpdateAsync(
            scim.Actor,
            user,
            UserWriteKind.ScimReplace,
            AuditActions.ReplaceScimUser,
            scim.Aborted
        );
        return Written(result, await GroupsOfUserAsync(user.Key), write.Query, StatusCodes.Status200OK);
    }

    /// <summary>
    /// A PATCH that loses an optimistic-concurrency race to another writer is applied again to the fresh resource
    /// (its operations are relative, so re-applying them is what the client asked for); with If-Match it is not.
    /// </summary>
    public async Task<ScimWriteOutcome> PatchAsync(string id, ScimWrite write)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var user = await FindAsync(id);
                ScimETags.CheckIfMatch(write.IfMatch, scim.Profile, user.Version);
                var operations = PatchOperation.ReadRequest(write.Body, scim.Options.MaxPatchOperations);
                if (attempt == 1)
                {
                    scim.Recording?.Normalised(operations);
                }

                scim.Profile.PatchUser(user, operations);
                var result = await provisioning.UpdateAsync(
                    scim.Actor,
                    user,
                    UserWriteKind.ScimPatch,
                    AuditActions.UpdateScimUser,
                    scim.Aborted
                );
                return Written(result, await GroupsOfUserAsync(user.Key), write.Query, StatusCodes.Status200OK);
            }
            catch (DomainException e) when (e.Kind == DomainErrorKind.PreconditionFailed && write.IfMatch is null && attempt < 5)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    public async Task<ScimWriteOutcome> DeleteAsync(string id, ScimWrite write)
    {
        scim.Profile.EnsureUserDeleteServed();
        var user = await FindAsync(id);
        ScimETags.CheckIfMatch(write.IfMatch, scim.Profile, user.Version);
        var change = await provisioning.DeleteAsync(scim.Actor, user, scim.Aborted);
        return new NoContentWritten(user.Id, Location(user), change);
    }

    /// <summary>The user, tracked to be changed; SCIM 404 when unknown.</summary>
    private async Task<User> FindAsync(string id) =>
        (Identifiers.IsTag(id) ? await provisioning.FindAsync(scim.AccountId, id, scim.Aborted) : null) ?? throw NotFound(id);

    private static ScimException NotFound(string id) => ScimException.NotFound($"User '{ScimFilters.Truncate(id)}' not found.");

    private string Location(User user) => $"{scim.BaseUrl}/Users/{user.Id}";

    private ResourceWritten Written(
        UserWriteResult result,
        IReadOnlyList<(string Id, string Display)> groups,
        ScimSingleQuery query,
        int status
    ) => new(Project(result.User, groups, scim, query), status, result.User.Id, Location(result.User), Version(result.User), result.Change);

    private static JsonObject Project(
        User user,
        IReadOnlyList<(string Id, string Display)> groups,
        ScimContext scim,
        ScimSingleQuery query
    ) =>
        ScimDocument.Project(
            UserResourceMapper.ToResource(user, scim.Profile, scim.BaseUrl, groups),
            CoreSchemas.UserResource,
            ScimDocument.ParseAttributeList(query.Attributes),
            ScimDocument.ParseAttributeList(query.ExcludedAttributes)
        );

    private async Task<List<(string Id, string Display)>> GroupsOfUserAsync(long userKey)
    {
        var groups = new List<(string Id, string Display)>();
        await foreach (var group in GroupsOfUser(db, userKey).WithCancellation(scim.Aborted))
        {
            groups.Add((group.Id, group.Name));
        }

        return groups;
    }

    /// <summary>The groups of one user (every single-user response), compiled once.</summary>
    private static readonly Func<ScimDbContext, long, IAsyncEnumerable<UserGroupRef>> GroupsOfUser = EF.CompileAsyncQuery<
        ScimDbContext,
        long,
        UserGroupRef
    >(
        (db, userKey) =>
            db
                .UserGroupMembers.AsNoTracking()
                .Where(m => m.UserKey == userKey)
                .Join(db.UserGroups, m => m.UserGroupKey, g => g.Key, (m, g) => g)
                .OrderBy(g => g.Key)
                .Select(g => new UserGroupRef(g.Id, g.Name))
    );

    private sealed record UserGroupRef(string Id, string Name);

    /// <summary>The groups (user groups and system groups) of a page of users, in one query.</summary>
    private async Task<ILookup<long, (string Id, string Display)>> GroupsOfAsync(List<long> userKeys)
    {
        var rows = await db
            .UserGroupMembers.AsNoTracking()
            .Where(m => userKeys.Contains(m.UserKey))
            .Join(
                db.UserGroups,
                m => m.UserGroupKey,
                g => g.Key,
                (m, g) =>
                    new
                    {
                        m.UserKey,
                        g.Key,
                        g.Id,
                        g.Name,
                    }
            )
            .OrderBy(r => r.Key)
            .ToListAsync(scim.Aborted);
        return rows.ToLookup(r => r.UserKey, r => (r.Id, r.Name));
    }
}
