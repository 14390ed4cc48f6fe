using System.Text.Json;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Scim.Groups;
using ScimProvisioning.Api.Scim.Users;
using ScimProvisioning.Scim;
using ScimProvisioning.Scim.Errors;

namespace ScimProvisioning.Api.Scim;

/// <summary>POST /.search (RFC 7644 §3.4.3) on /Users, /Groups and the root; Standard profile only.</summary>
public static class SearchEndpoints
{
    private delegate Task<ListPage<JsonObject>> Search(ListRequest request);

    public static RouteGroupBuilder MapScimSearch(this RouteGroupBuilder scim)
    {
        scim.MapPost(
                "/Users/.search",
                (HttpRequest request, ScimContext context, ScimUsers users) => RunAsync(request, context, [users.SearchAsync])
            )
            .WithTags("SCIM Users")
            .WithName("SearchScimUsers")
            .WithSummary("Query users with a SearchRequest body (Standard profile)")
            .RequireAuthorization(Policies.ScimRead)
            .WithMetadata(new ScimRequestBody("SearchRequest"));
        scim.MapPost(
                "/Groups/.search",
                (HttpRequest request, ScimContext context, ScimGroups groups) => RunAsync(request, context, [groups.SearchAsync])
            )
            .WithTags("SCIM Groups")
            .WithName("SearchScimGroups")
            .WithSummary("Query groups with a SearchRequest body (Standard profile)")
            .RequireAuthorization(Policies.ScimRead)
            .WithMetadata(new ScimRequestBody("SearchRequest"));
        scim.MapPost(
                "/.search",
                (HttpRequest request, ScimContext context, ScimUsers users, ScimGroups groups) =>
                    RunAsync(request, context, [users.SearchAsync, groups.SearchAsync])
            )
            .WithTags("SCIM Discovery")
            .WithName("SearchScimRoot")
            .WithSummary("Query users and groups together (Standard profile)")
            .RequireAuthorization(Policies.ScimRead)
            .WithMetadata(new ScimRequestBody("SearchRequest"));
        return scim;
    }

    private static async Task<ScimJsonResult> RunAsync(HttpRequest http, ScimContext scim, Search[] searches)
    {
        scim.Profile.EnsureSearchServed();
        var body =
            await ScimRequest.ReadJsonAsync(http, scim.Options.MaxRequestBodyBytes) as JsonObject
            ?? throw ScimException.InvalidSyntax("A SearchRequest body must be a JSON object.");
        var request = ScimQueries.ToRequest(
            scim,
            Text(body, "filter"),
            Number(body, "startIndex"),
            Number(body, "count"),
            Text(body, "sortBy"),
            Text(body, "sortOrder"),
            Text(body, "cursor"),
            List(body, "attributes"),
            List(body, "excludedAttributes")
        );
        if (searches.Length == 1)
        {
            var page = await searches[0](request);
            return new ScimJsonResult(ListResponse.Create(page.Items, page.Total, request.StartIndex, request.UsesCursor, page.NextCursor));
        }

        if (request.UsesCursor || request.SortBy is not null)
        {
            throw ScimException.InvalidValue(
                "A search at the root spans users and groups; page it with startIndex, without sortBy or cursor."
            );
        }

        // Root: users then groups, one result set. A filter naming attributes one type lacks matches none of that type.
        var results = new List<JsonObject>();
        var total = 0;
        ScimException? firstError = null;
        var failures = 0;
        var skip = request.StartIndex - 1;
        foreach (var search in searches)
        {
            ListPage<JsonObject> counted;
            try
            {
                counted = await search(request with { Count = 0 });
            }
            catch (ScimException e) when (e.ScimType == ScimErrorTypes.InvalidFilter)
            {
                firstError ??= e;
                failures++;
                continue;
            }

            var wanted = request.Count - results.Count;
            if (wanted > 0 && skip < counted.Total)
            {
                var page = await search(request with { StartIndex = skip + 1, Count = wanted });
                results.AddRange(page.Items);
            }

            skip = Math.Max(0, skip - counted.Total);
            total += counted.Total;
        }

        if (failures == searches.Length)
        {
            throw firstError!; // the filter fits no resource type
        }

        return new ScimJsonResult(ListResponse.Create(results, total, request.StartIndex));
    }

    private static string? Text(JsonObject body, string name) =>
        ScimProvisioning.Scim.Filtering.JsonFilterEvaluator.Get(body, name) switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => throw ScimException.InvalidValue($"SearchRequest '{name}' must be a string."),
        };

    private static string? Number(JsonObject body, string name) =>
        ScimProvisioning.Scim.Filtering.JsonFilterEvaluator.Get(body, name) switch
        {
            null => null,
            JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.String => v.ToString(),
            _ => throw ScimException.InvalidValue($"SearchRequest '{name}' must be an integer."),
        };

    /// <summary><c>attributes</c> is an array of names in a SearchRequest (a comma-separated string is accepted too).</summary>
    private static string? List(JsonObject body, string name) =>
        ScimProvisioning.Scim.Filtering.JsonFilterEvaluator.Get(body, name) switch
        {
            null => null,
            JsonArray array => string.Join(
                ",",
                array.Select(item =>
                    item is JsonValue v && v.GetValueKind() == JsonValueKind.String
                        ? v.GetValue<string>()
                        : throw ScimException.InvalidValue($"SearchRequest '{name}' must be an array of attribute names.")
                )
            ),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => throw ScimException.InvalidValue($"SearchRequest '{name}' must be an array of attribute names."),
        };
}
