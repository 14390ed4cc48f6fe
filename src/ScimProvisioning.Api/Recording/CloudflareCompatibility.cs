using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Api.Scim.Profiles;
using ScimProvisioning.Api.Scim.Users;
using ScimProvisioning.Domain;
using ScimProvisioning.Domain.Users;
using ScimProvisioning.Scim.Errors;
using ScimProvisioning.Scim.Filtering;
using ScimProvisioning.Scim.Patching;
using ScimProvisioning.Scim.Schemas;
using ScimProvisioning.Scim.Serialization;

namespace ScimProvisioning.Api.Recording;

/// <summary>What Cloudflare's API would make of a request, and why.</summary>
public sealed record CompatibilityVerdict(string Verdict, IReadOnlyList<string> Reasons);

/// <summary>A recorded request and how this server answered it, as the verdict needs it.</summary>
public sealed record CompatibilityRequest(
    RequestShape Shape,
    string Method,
    string? Query,
    JsonNode? Body,
    bool BodyTruncated,
    bool ConditionalHeaders,
    int Status,
    string? ErrorDetail
);

/// <summary>
/// Would Cloudflare's API accept this request? Evaluated by <see cref="CloudflareProfile"/>'s own rules on a scratch
/// entity — no database, no side effects — for requests the Standard profile served (the Cloudflare profile's verdict
/// is its own answer: <see cref="IScimProfile"/>, CloudflareVerdict). A request the server refused for a
/// rule both profiles share (CF prefix, uniqueness, the lockout guard, a malformed body) is one Cloudflare refuses too.
/// </summary>
public static class CloudflareCompatibility
{
    private static readonly CloudflareProfile Cloudflare = CloudflareProfile.Instance;

    /// <summary>What a Cloudflare user PATCH changes (<see cref="UserResourceMapper.ApplyCloudflarePatch"/>).</summary>
    private static readonly HashSet<string> CloudflarePatchedAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "userName",
        "name",
        "name.givenName",
        "name.familyName",
        "active",
        "emails[typeeq\"work\"].value",
        "schemas",
        "id",
    };

    /// <summary>The Standard profile's verdict: the request evaluated by the Cloudflare profile's rules.</summary>
    public static CompatibilityVerdict Evaluate(CompatibilityRequest request)
    {
        var (shape, method, query, body, _, conditionalHeaders, status, errorDetail) = request;
        if (request.BodyTruncated)
        {
            return new(CompatibilityVerdicts.Unknown, ["the request body was truncated in the log, so it could not be evaluated"]);
        }

        var differences = new List<string>();
        try
        {
            Check(shape, method, query, body, differences);
        }
        catch (Exception e) when (e is ScimException or DomainException)
        {
            return new(CompatibilityVerdicts.Rejected, [Message(e)]);
        }

        if (status >= 400)
        {
            return new(CompatibilityVerdicts.Rejected, [$"refused here ({status}) by a rule Cloudflare shares: {errorDetail}"]);
        }

        if (conditionalHeaders)
        {
            differences.Add("Cloudflare keeps no versions: If-Match / If-None-Match would be ignored");
        }

        if (method == "PATCH" && shape.Resource == "Group" && status == StatusCodes.Status204NoContent)
        {
            differences.Add("Cloudflare answers a group PATCH with 200 and the group, not 204");
        }

        return differences.Count == 0
            ? new(CompatibilityVerdicts.Accepted, ["Cloudflare's rules accept it"])
            : new(CompatibilityVerdicts.AcceptedDifferently, differences);
    }

    private static void Check(RequestShape shape, string method, string? query, JsonNode? body, List<string> differences)
    {
        switch (shape.Resource, method)
        {
            case ("Search", _):
                Cloudflare.EnsureSearchServed();
                break;
            case ("Bulk", _):
                Cloudflare.EnsureBulkServed();
                break;
            case ("User", "DELETE"):
                Cloudflare.EnsureUserDeleteServed();
                break;
            case ("User" or "Group", "GET") when shape.ResourceId is null:
                CheckList(shape, query, differences);
                break;
            case ("User", "POST" or "PUT"):
                CheckUserDocument(body, method == "POST" ? UserWriteKind.ScimCreate : UserWriteKind.ScimReplace);
                break;
            case ("User", "PATCH"):
                CheckUserPatch(body, differences);
                break;
            case ("Discovery", "GET") when shape.Template.StartsWith("/ServiceProviderConfig", StringComparison.Ordinal):
                differences.Add("Cloudflare's ServiceProviderConfig advertises no bulk, sort, ETag, password change or cursors");
                break;
        }
    }

    private static void CheckList(RequestShape shape, string? query, List<string> differences)
    {
        var parameters = QueryHelpers.ParseQuery(query);
        string? Get(string name) => parameters.TryGetValue(name, out var value) ? value.ToString() : null;
        Cloudflare.CheckListParameters(Get("sortBy"), Get("sortOrder"), Get("cursor"));
        if (Get("filter") is { } filter)
        {
            var target = shape.Resource == "User" ? FilterTarget.Users : FilterTarget.Groups;
            Cloudflare.CheckFilter(ScimFilterParser.Parse(filter), filter, target);
        }

        if (int.TryParse(Get("count"), out var count) && count > CloudflareProfile.PageSize)
        {
            differences.Add($"Cloudflare returns at most {CloudflareProfile.PageSize} resources per page (count={count} asked)");
        }
    }

    private static void CheckUserDocument(JsonNode? body, UserWriteKind kind)
    {
        var document = ScimDocument.Canonicalize(CoreSchemas.UserResource, body);
        document.Remove("password");
        var user = UserFactory.NewUser("compatibility", DateTime.UnixEpoch);
        UserResourceMapper.Apply(document, user, defaultActive: true);
        Cloudflare.UserRules.Check(user, kind);
    }

    /// <summary>Applied as Cloudflare would to a scratch user that satisfies its rules before the PATCH.</summary>
    private static void CheckUserPatch(JsonNode? body, List<string> differences)
    {
        var operations = PatchOperation.ReadRequest(body, int.MaxValue);
        var user = UserFactory.NewUser("compatibility", DateTime.UnixEpoch, "compatibility.check@example.com");
        Cloudflare.PatchUser(user, operations);
        Cloudflare.UserRules.Check(user, UserWriteKind.ScimPatch);
        foreach (var ignored in operations.Where(o => o.Op != PatchOp.Replace))
        {
            differences.Add($"Cloudflare ignores \"{ignored.Op.ToString().ToLowerInvariant()}\" on users ({ignored.Path ?? "no path"})");
        }

        foreach (var replace in operations.Where(o => o.Op == PatchOp.Replace))
        {
            var targets = replace.Path is { } path ? [path] : (replace.Value as JsonObject)?.Select(p => p.Key).ToList() ?? [];
            foreach (var target in targets.Where(t => !CloudflarePatchedAttributes.Contains(t.Replace(" ", "", StringComparison.Ordinal))))
            {
                differences.Add($"Cloudflare ignores a replace of {target} on users (it changes userName, name and active only)");
            }
        }
    }

    /// <summary>The Cloudflare profile's errors end with a hint to switch profiles; in a verdict it is noise.</summary>
    private static string WithoutProfileHint(string detail)
    {
        var hint = detail.IndexOf(" (set Scim:Profile=Standard", StringComparison.Ordinal);
        return hint < 0 ? detail : detail[..hint] + detail[(detail.IndexOf(')', hint) + 1)..];
    }

    private static string Message(Exception e) =>
        e switch
        {
            ScimException scim => $"Cloudflare would answer {scim.Status}: {WithoutProfileHint(scim.Detail)}",
            DomainException domain => $"Cloudflare would refuse it: {domain.Message}",
            _ => e.Message,
        };
}

/// <summary>The verdict names stored and reported.</summary>
public static class CompatibilityVerdicts
{
    public const string Accepted = "accepted";
    public const string AcceptedDifferently = "accepted-differently";
    public const string Rejected = "rejected";
    public const string Unknown = "unknown";
}
