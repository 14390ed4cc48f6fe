using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ScimProvisioning.Api.Tests.Infrastructure;

namespace ScimProvisioning.Api.Tests.Hardening;

/// <summary>One hostile request and the answer SPEC §3 documents for it.</summary>
public sealed record BadRequestCase(
    string Name,
    string Method,
    string Path,
    byte[]? Body,
    string ContentType,
    HttpStatusCode Status,
    string? ScimType,
    bool Admin
)
{
    public override string ToString() => Name;
}

/// <summary>An account with one user, one SCIM group and one admin user group that every case aims at.</summary>
public sealed class CorpusFixture : IAsyncLifetime
{
    public StandardApiFactory Factory { get; } = new();

    public TestAccount Account { get; private set; } = null!;

    public Dictionary<string, string> Ids { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        Account = await Factory.CreateAccountAsync();
        Ids["user"] = await Account.CreateUserAsync("corpus@example.com");
        Ids["group"] = await Account.CreateGroupAsync("Corpus Group");
        var member = await Account.MemberIdOfAsync(Ids["user"]);
        Ids["member"] = member!;
        var created = await (
            await Account.AdminPostAsync("/iam/user_groups", """{"name":"Corpus Admin Group","policies":[]}""")
        ).AssertStatusAsync(HttpStatusCode.OK);
        Ids["usergroup"] = created["result"]!["id"]!.GetValue<string>();
        var scope = await (
            await Account.AdminPostAsync(
                "/iam/resource_groups",
                $$$"""
                {"name":"Corpus scope","scope":{"key":"com.cloudflare.api.account.{{{Account.AccountId}}}","objects":[{"key":"*"}]} }
                """
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        Ids["resourcegroup"] = scope["result"]!["id"]!.GetValue<string>();
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>
/// Issue 7's corpus: every SCIM and admin write endpoint fed malformed, truncated, mistyped, duplicated, nested,
/// oversized, mis-encoded and mislabelled bodies, and the read endpoints fed hostile ids, filters and paging. Each
/// case must get its documented error body (SCIM error or Cloudflare envelope, never a 500 or a stack trace) and
/// leave every table of the database exactly as it was.
/// </summary>
public sealed class BadInputCorpusTests(CorpusFixture fixture) : IClassFixture<CorpusFixture>
{
    private const string Scim = "application/scim+json";
    private const string Json = "application/json";
    private const string ReplaceTitle = "{\"op\":\"replace\",\"path\":\"title\",\"value\":\"x\"}";

    private static string BulkPost(int i) =>
        $$"""{"method":"POST","path":"/Users","bulkId":"b{{i}}","data":{"userName":"bulk{{i}}@example.com"} }""";

    private static readonly (string Method, string Path)[] ScimWrites =
    [
        ("POST", "/Users"),
        ("PUT", "/Users/{user}"),
        ("PATCH", "/Users/{user}"),
        ("POST", "/Groups"),
        ("PUT", "/Groups/{group}"),
        ("PATCH", "/Groups/{group}"),
        ("POST", "/Users/.search"),
        ("POST", "/Groups/.search"),
        ("POST", "/.search"),
        ("POST", "/Bulk"),
    ];

    private static readonly (string Method, string Path)[] AdminWrites =
    [
        ("POST", "/members"),
        ("PUT", "/members/{member}"),
        ("POST", "/iam/user_groups"),
        ("PUT", "/iam/user_groups/{usergroup}"),
        ("POST", "/iam/user_groups/{usergroup}/members"),
        ("PUT", "/iam/user_groups/{usergroup}/members"),
        ("POST", "/tokens"),
        ("POST", "/iam/resource_groups"),
    ];

    private static readonly (string Name, string Body)[] Malformed =
    [
        ("empty body", ""),
        ("lone brace", "{"),
        ("truncated member", "{\"userName\":"),
        ("missing colon", "{\"userName\" \"x\"}"),
        ("single quotes", "{'userName':'x'}"),
        ("trailing comma", "{\"userName\":\"x\",}"),
        ("lone bracket", "["),
        ("reversed braces", "}{"),
        ("bad literal", "{\"active\":tru}"),
        ("comment", "{/* hi */\"userName\":\"x\"}"),
        ("two documents", "{\"a\":1}{\"b\":2}"),
        ("unterminated string", "{\"userName\":\"x}"),
    ];

    private static readonly (string Name, string Body)[] WrongTopLevel =
    [
        ("array document", "[]"),
        ("string document", "\"text\""),
        ("number document", "42"),
        ("null document", "null"),
        ("boolean document", "true"),
    ];

    private static readonly Lazy<Dictionary<string, BadRequestCase>> ByName = new(() =>
        All().ToDictionary(c => c.Name, StringComparer.Ordinal)
    );

    /// <summary>Case names (serializable, so each case is its own test in the results).</summary>
    public static IEnumerable<object[]> Cases() => ByName.Value.Keys.Select(name => new object[] { name });

    public static IEnumerable<BadRequestCase> All()
    {
        foreach (var (method, path) in ScimWrites)
        {
            foreach (var (name, body) in Malformed)
            {
                yield return Scimc($"{method} {path}: {name}", method, path, body, HttpStatusCode.BadRequest, "invalidSyntax");
            }

            foreach (var (name, body) in WrongTopLevel)
            {
                yield return Scimc($"{method} {path}: {name}", method, path, body, HttpStatusCode.BadRequest, "invalidSyntax");
            }

            yield return Scimc(
                $"{method} {path}: duplicate keys",
                method,
                path,
                "{\"schemas\":[],\"schemas\":[]}",
                HttpStatusCode.BadRequest,
                "invalidSyntax"
            );
            yield return Scimc(
                $"{method} {path}: 300-deep nesting",
                method,
                path,
                "{\"x\":" + new string('[', 300) + new string(']', 300) + "}",
                HttpStatusCode.BadRequest,
                "invalidSyntax"
            );
            yield return Raw(
                $"{method} {path}: invalid UTF-8",
                method,
                path,
                [.. "{\"userName\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8],
                Scim,
                HttpStatusCode.BadRequest,
                "invalidSyntax",
                admin: false
            );
            yield return Scimc(
                $"{method} {path}: text/plain",
                method,
                path,
                "{\"userName\":\"x@example.com\"}",
                HttpStatusCode.UnsupportedMediaType,
                null,
                "text/plain"
            );
            yield return Scimc(
                $"{method} {path}: form encoded",
                method,
                path,
                "userName=x",
                HttpStatusCode.UnsupportedMediaType,
                null,
                "application/x-www-form-urlencoded"
            );
            yield return Scimc(
                $"{method} {path}: 2 MB body",
                method,
                path,
                "{\"userName\":\"big@example.com\",\"displayName\":\"" + new string('x', 2_000_000) + "\"}",
                HttpStatusCode.RequestEntityTooLarge,
                null
            );
        }

        foreach (var (name, body) in UserAttributeTypeErrors())
        {
            yield return Scimc($"POST /Users: {name}", "POST", "/Users", body, HttpStatusCode.BadRequest, "invalidValue");
            yield return Scimc($"PUT /Users: {name}", "PUT", "/Users/{user}", body, HttpStatusCode.BadRequest, "invalidValue");
        }

        foreach (var (name, body) in GroupAttributeErrors())
        {
            yield return Scimc($"POST /Groups: {name}", "POST", "/Groups", body, HttpStatusCode.BadRequest, null);
            yield return Scimc($"PUT /Groups: {name}", "PUT", "/Groups/{group}", body, HttpStatusCode.BadRequest, null);
        }

        foreach (var (name, body, scimType) in PatchErrors())
        {
            yield return Scimc($"PATCH /Users: {name}", "PATCH", "/Users/{user}", body, HttpStatusCode.BadRequest, scimType);
        }

        foreach (var (name, body, scimType) in GroupPatchErrors())
        {
            yield return Scimc($"PATCH /Groups: {name}", "PATCH", "/Groups/{group}", body, HttpStatusCode.BadRequest, scimType);
        }

        foreach (var id in HostileIds())
        {
            foreach (var resource in new[] { "Users", "Groups" })
            {
                yield return Scimc(
                    $"GET /{resource}/{id[..Math.Min(id.Length, 24)]}",
                    "GET",
                    $"/{resource}/{id}",
                    null,
                    HttpStatusCode.NotFound,
                    null
                );
                yield return Scimc(
                    $"PATCH /{resource}/{id[..Math.Min(id.Length, 24)]}",
                    "PATCH",
                    $"/{resource}/{id}",
                    """
                    {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName",
                    "value":"x"}]}
                    """,
                    HttpStatusCode.NotFound,
                    null
                );
                yield return Scimc(
                    $"DELETE /{resource}/{id[..Math.Min(id.Length, 24)]}",
                    "DELETE",
                    $"/{resource}/{id}",
                    null,
                    HttpStatusCode.NotFound,
                    null
                );
            }
        }

        foreach (var filter in HostileFilters())
        {
            yield return Scimc(
                $"GET /Users?filter={filter[..Math.Min(filter.Length, 40)]}",
                "GET",
                "/Users?filter=" + Uri.EscapeDataString(filter),
                null,
                HttpStatusCode.BadRequest,
                "invalidFilter"
            );
            yield return Scimc(
                $"GET /Groups?filter={filter[..Math.Min(filter.Length, 40)]}",
                "GET",
                "/Groups?filter=" + Uri.EscapeDataString(filter),
                null,
                HttpStatusCode.BadRequest,
                "invalidFilter"
            );
            yield return Scimc(
                $"POST /Users/.search filter {filter[..Math.Min(filter.Length, 40)]}",
                "POST",
                "/Users/.search",
                new JsonObject
                {
                    ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:SearchRequest"),
                    ["filter"] = filter,
                }.ToJsonString(),
                HttpStatusCode.BadRequest,
                "invalidFilter"
            );
        }

        foreach (
            var query in new[]
            {
                "count=lots",
                "startIndex=first",
                "count=1.5",
                "startIndex=0x10",
                "count=%E2%88%9E",
                "sortOrder=sideways",
                "sortBy=nosuch",
                "attributes=name..givenName",
                "excludedAttributes=%5B%5D",
            }
        )
        {
            yield return Scimc($"GET /Users?{query}", "GET", "/Users?" + query, null, HttpStatusCode.BadRequest, null);
        }

        foreach (var (name, body, status) in BulkErrors())
        {
            yield return Scimc($"POST /Bulk: {name}", "POST", "/Bulk", body, status, null);
        }

        foreach (var (method, path) in AdminWrites)
        {
            // The member-list endpoints take a bare array of ids (Cloudflare's documented shape).
            foreach (
                var (name, body) in Malformed
                    .Concat(WrongTopLevel)
                    .Where(c => !(path.EndsWith("/members", StringComparison.Ordinal) && c.Body == "[]"))
            )
            {
                yield return Admin($"{method} admin {path}: {name}", method, path, body, HttpStatusCode.BadRequest);
            }

            yield return Admin(
                $"{method} admin {path}: 300-deep nesting",
                method,
                path,
                "{\"x\":" + new string('[', 300) + new string(']', 300) + "}",
                HttpStatusCode.BadRequest
            );
            yield return Admin(
                $"{method} admin {path}: duplicate keys",
                method,
                path,
                "{\"name\":\"a\",\"name\":\"b\"}",
                HttpStatusCode.BadRequest
            );
            yield return Raw(
                $"{method} admin {path}: invalid UTF-8",
                method,
                path,
                [.. "{\"name\":\""u8, 0xFF, 0xFE, .. "\"}"u8],
                Json,
                HttpStatusCode.BadRequest,
                null,
                admin: true
            );
            yield return Admin(
                $"{method} admin {path}: 2 MB body",
                method,
                path,
                "{\"name\":\"" + new string('x', 2_000_000) + "\"}",
                HttpStatusCode.RequestEntityTooLarge
            );
        }

        foreach (var (name, method, path, body, status) in AdminFieldErrors())
        {
            yield return Admin($"admin {name}", method, path, body, status);
        }
    }

    private static IEnumerable<(string, string)> UserAttributeTypeErrors()
    {
        const string ok = "\"userName\":\"typed@example.com\"";
        yield return ("userName object", "{\"userName\":{\"a\":1}}");
        yield return ("userName array", "{\"userName\":[\"a@b.c\"]}");
        yield return ("userName empty", "{\"userName\":\"\"}");
        yield return ("userName blank", "{\"userName\":\"   \"}");
        yield return ("userName with NUL", "{\"userName\":\"a\\u0000b@example.com\"}");
        yield return ("userName with newline", "{\"userName\":\"a\\nb@example.com\"}");
        yield return ("userName with escape char", "{\"userName\":\"a\\u001bb@example.com\"}");
        yield return ("userName 10k chars", "{\"userName\":\"" + new string('u', 10_000) + "@example.com\"}");
        yield return ("missing userName", "{\"displayName\":\"No Name\"}");
        yield return ("active string", $"{{{ok},\"active\":\"sometimes\"}}");
        yield return ("active number", $"{{{ok},\"active\":5}}");
        yield return ("active object", $"{{{ok},\"active\":{{}}}}");
        yield return ("name array", $"{{{ok},\"name\":[1,2]}}");
        yield return ("name.givenName object", $"{{{ok},\"name\":{{\"givenName\":{{}}}}}}");
        yield return ("displayName object", $"{{{ok},\"displayName\":{{\"x\":1}}}}");
        yield return ("displayName array", $"{{{ok},\"displayName\":[\"a\",\"b\"]}}");
        yield return ("title object", $"{{{ok},\"title\":{{}}}}");
        yield return ("externalId array", $"{{{ok},\"externalId\":[\"1\"]}}");
        yield return ("emails object value", $"{{{ok},\"emails\":[{{\"value\":{{\"n\":1}}}}]}}");
        yield return ("emails primary string", $"{{{ok},\"emails\":[{{\"value\":\"a@b.c\",\"primary\":\"yes\"}}]}}");
        yield return (
            "two primary emails",
            $"{{{ok},\"emails\":[{{\"value\":\"a@b.c\",\"primary\":true}},{{\"value\":\"d@e.f\",\"primary\":true}}]}}"
        );
        yield return ("emails entry number", $"{{{ok},\"emails\":[42]}}");
        yield return ("phoneNumbers value array", $"{{{ok},\"phoneNumbers\":[{{\"value\":[\"1\"]}}]}}");
        yield return ("addresses entry string number", $"{{{ok},\"addresses\":[{{\"streetAddress\":{{}}}}]}}");
        yield return (
            "enterprise manager array",
            $"{{{ok},\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{{\"manager\":[1]}}}}"
        );
        yield return ("enterprise extension string", $"{{{ok},\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":\"x\"}}");
        yield return ("password object", $"{{{ok},\"password\":{{}}}}");
        yield return ("locale array", $"{{{ok},\"locale\":[\"en\"]}}");
    }

    private static IEnumerable<(string, string)> GroupAttributeErrors()
    {
        yield return ("displayName missing", "{\"members\":[]}");
        yield return ("displayName empty", "{\"displayName\":\"\"}");
        yield return ("displayName object", "{\"displayName\":{}}");
        yield return ("displayName with NUL", "{\"displayName\":\"team\\u0000x\"}");
        yield return ("displayName CF prefix", "{\"displayName\":\"CF Admins\"}");
        yield return ("members nested arrays", "{\"displayName\":\"Typed\",\"members\":[[1]]}");
        yield return ("member value object", "{\"displayName\":\"Typed\",\"members\":[{\"value\":{}}]}");
        yield return ("displayName 2k chars", "{\"displayName\":\"" + new string('g', 2000) + "\"}");
    }

    private static IEnumerable<(string, string, string?)> PatchErrors()
    {
        const string schemas = "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]";
        yield return ("no Operations", $"{{{schemas}}}", "invalidSyntax");
        yield return ("empty Operations", $"{{{schemas},\"Operations\":[]}}", "invalidSyntax");
        yield return ("Operations object", $"{{{schemas},\"Operations\":{{}}}}", "invalidSyntax");
        yield return ("operation string", $"{{{schemas},\"Operations\":[\"replace\"]}}", "invalidSyntax");
        yield return (
            "unknown op",
            $"{{{schemas},\"Operations\":[{{\"op\":\"jump\",\"path\":\"title\",\"value\":\"x\"}}]}}",
            "invalidSyntax"
        );
        yield return ("op missing", $"{{{schemas},\"Operations\":[{{\"path\":\"title\",\"value\":\"x\"}}]}}", "invalidSyntax");
        yield return ("op number", $"{{{schemas},\"Operations\":[{{\"op\":1,\"path\":\"title\",\"value\":\"x\"}}]}}", "invalidSyntax");
        yield return (
            "wrong schema",
            "{\"schemas\":[\"urn:nope\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"title\",\"value\":\"x\"}]}",
            "invalidSyntax"
        );
        yield return (
            "unknown path",
            $"{{{schemas},\"Operations\":[{{\"op\":\"replace\",\"path\":\"nosuch\",\"value\":\"x\"}}]}}",
            "invalidPath"
        );
        yield return (
            "unbalanced filter path",
            $"{{{schemas},\"Operations\":[{{\"op\":\"replace\",\"path\":\"emails[type eq \",\"value\":\"x\"}}]}}",
            "invalidPath"
        );
        yield return (
            "path injection",
            $"{{{schemas},\"Operations\":[{{\"op\":\"replace\",\"path\":\"title; DROP TABLE Users\",\"value\":\"x\"}}]}}",
            "invalidPath"
        );
        yield return (
            "sub-attribute of simple",
            $"{{{schemas},\"Operations\":[{{\"op\":\"replace\",\"path\":\"title.nosuch\",\"value\":\"x\"}}]}}",
            "invalidPath"
        );
        yield return ("remove without path", $"{{{schemas},\"Operations\":[{{\"op\":\"remove\"}}]}}", "noTarget");
        yield return ("add without value", $"{{{schemas},\"Operations\":[{{\"op\":\"add\",\"path\":\"title\"}}]}}", "invalidValue");
        yield return (
            "replace id",
            $"{{{schemas},\"Operations\":[{{\"op\":\"replace\",\"path\":\"id\",\"value\":\"0123456789abcdef0123456789abcdef\"}}]}}",
            "mutability"
        );
        yield return (
            "active wrong type",
            $"{{{schemas},\"Operations\":[{{\"op\":\"replace\",\"path\":\"active\",\"value\":\"sometimes\"}}]}}",
            "invalidValue"
        );
        yield return (
            "no path and a string value",
            $"{{{schemas},\"Operations\":[{{\"op\":\"replace\",\"value\":\"flat\"}}]}}",
            "invalidValue"
        );
        yield return (
            "userName emptied",
            $"{{{schemas},\"Operations\":[{{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"\"}}]}}",
            "invalidValue"
        );
        yield return (
            "userName control char",
            $"{{{schemas},\"Operations\":[{{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"a\\u0007b@example.com\"}}]}}",
            "invalidValue"
        );
        yield return (
            "second op fails",
            $"{{{schemas},\"Operations\":[{{\"op\":\"replace\",\"path\":\"title\",\"value\":\"ok\"}},"
                + "{\"op\":\"replace\",\"path\":\"nosuch\",\"value\":\"x\"}]}",
            "invalidPath"
        );
        yield return (
            "1,001 operations",
            $"{{{schemas},\"Operations\":[{string.Join(',', Enumerable.Repeat(ReplaceTitle, 1001))}]}}",
            "tooMany"
        );
    }

    private static IEnumerable<(string, string, string?)> GroupPatchErrors()
    {
        const string schemas = "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]";
        yield return ("empty Operations", $"{{{schemas},\"Operations\":[]}}", "invalidSyntax");
        yield return (
            "unknown op",
            $"{{{schemas},\"Operations\":[{{\"op\":\"merge\",\"path\":\"members\",\"value\":[]}}]}}",
            "invalidSyntax"
        );
        yield return (
            "members value object",
            $"{{{schemas},\"Operations\":[{{\"op\":\"add\",\"path\":\"members\",\"value\":{{\"value\":5}}}}]}}",
            null
        );
        yield return (
            "member value array",
            $"{{{schemas},\"Operations\":[{{\"op\":\"add\",\"path\":\"members\",\"value\":[{{\"value\":[]}}]}}]}}",
            "invalidValue"
        );
        yield return (
            "bad member filter",
            $"{{{schemas},\"Operations\":[{{\"op\":\"remove\",\"path\":\"members[value eq \"}}]}}",
            "invalidPath"
        );
        yield return (
            "displayName to CF prefix",
            $"{{{schemas},\"Operations\":[{{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"CFAdmins\"}}]}}",
            null
        );
        yield return (
            "displayName object",
            $"{{{schemas},\"Operations\":[{{\"op\":\"replace\",\"path\":\"displayName\",\"value\":{{}}}}]}}",
            "invalidValue"
        );
    }

    private static IEnumerable<string> HostileIds() =>
        [
            "0123456789abcdef0123456789abcdef",
            "not-an-id",
            "..%2F..%2Fetc%2Fpasswd",
            "%E2%80%AE",
            "' OR '1'='1",
            new string('a', 2000),
            "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "0123456789ABCDEF0123456789ABCDEF",
        ];

    private static IEnumerable<string> HostileFilters() =>
        [
            "userName eq",
            "userName xx \"a\"",
            "(userName eq \"a\"",
            "userName eq \"a\")",
            "userName eq \"a\" and",
            "nosuch eq \"a\"",
            "emails[type eq \"work\"",
            "userName eq \"unterminated",
            "userName eq \"a\" or 1=1 --",
            "userName eq \"a'; DROP TABLE Users; --\" extra",
            "active eq \"banana\"",
            "meta.created gt \"not a date\"",
            "userName eq \"a\" and " + string.Join(" and ", Enumerable.Repeat("(userName eq \"b\")", 1)) + " and",
            new string('(', 40) + "userName eq \"a\"" + new string(')', 40),
            "userName eq \"" + new string('x', 5000) + "\"",
            "not",
            "userName pr pr",
            "userName eq true eq false",
            "\u0000",
            "userName eq \"a\" and not",
        ];

    private static IEnumerable<(string, string, HttpStatusCode)> BulkErrors()
    {
        const string schemas = "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:BulkRequest\"]";
        yield return ("no Operations", $"{{{schemas}}}", HttpStatusCode.BadRequest);
        yield return ("Operations string", $"{{{schemas},\"Operations\":\"x\"}}", HttpStatusCode.BadRequest);
        yield return ("wrong schema", "{\"schemas\":[\"urn:nope\"],\"Operations\":[]}", HttpStatusCode.BadRequest);
        yield return ("failOnErrors string", $"{{{schemas},\"failOnErrors\":\"x\",\"Operations\":[]}}", HttpStatusCode.BadRequest);
        yield return (
            "1,001 operations",
            $"{{{schemas},\"Operations\":[{string.Join(',', Enumerable.Range(0, 1001).Select(BulkPost))}]}}",
            HttpStatusCode.RequestEntityTooLarge
        );
    }

    private static IEnumerable<(string, string, string, string, HttpStatusCode)> AdminFieldErrors()
    {
        yield return ("member without email", "POST", "/members", "{\"roles\":[]}", HttpStatusCode.BadRequest);
        yield return ("member email number", "POST", "/members", "{\"email\":5}", HttpStatusCode.BadRequest);
        yield return ("member email not an address", "POST", "/members", "{\"email\":\"not an address\"}", HttpStatusCode.BadRequest);
        yield return ("member email with NUL", "POST", "/members", "{\"email\":\"a\\u0000b@example.com\"}", HttpStatusCode.BadRequest);
        yield return (
            "member roles string",
            "POST",
            "/members",
            "{\"email\":\"m@example.com\",\"roles\":\"admin\"}",
            HttpStatusCode.BadRequest
        );
        yield return (
            "member unknown role",
            "POST",
            "/members",
            "{\"email\":\"m@example.com\",\"roles\":[\"0123456789abcdef0123456789abcdef\"]}",
            HttpStatusCode.BadRequest
        );
        yield return ("member bad status", "PUT", "/members/{member}", "{\"status\":\"superuser\"}", HttpStatusCode.BadRequest);
        yield return ("member policies object", "PUT", "/members/{member}", "{\"policies\":{}}", HttpStatusCode.BadRequest);
        yield return (
            "policy access maybe",
            "PUT",
            "/members/{member}",
            "{\"policies\":[{\"access\":\"maybe\",\"permission_groups\":[],\"resource_groups\":[]}]}",
            HttpStatusCode.BadRequest
        );
        yield return (
            "unknown member",
            "PUT",
            "/members/0123456789abcdef0123456789abcdef",
            "{\"status\":\"accepted\"}",
            HttpStatusCode.NotFound
        );
        yield return (
            "user group CF name",
            "POST",
            "/iam/user_groups",
            "{\"name\":\"CF Team\",\"policies\":[]}",
            HttpStatusCode.BadRequest
        );
        yield return ("user group empty name", "POST", "/iam/user_groups", "{\"name\":\"\",\"policies\":[]}", HttpStatusCode.BadRequest);
        yield return ("user group name array", "POST", "/iam/user_groups", "{\"name\":[\"a\"],\"policies\":[]}", HttpStatusCode.BadRequest);
        yield return (
            "user group members string",
            "POST",
            "/iam/user_groups/{usergroup}/members",
            "{\"members\":\"x\"}",
            HttpStatusCode.BadRequest
        );
        yield return (
            "user group unknown member",
            "POST",
            "/iam/user_groups/{usergroup}/members",
            "[{\"id\":\"0123456789abcdef0123456789abcdef\"}]",
            HttpStatusCode.BadRequest
        );
        yield return (
            "unknown user group",
            "PUT",
            "/iam/user_groups/0123456789abcdef0123456789abcdef",
            "{\"name\":\"x\"}",
            HttpStatusCode.NotFound
        );
        yield return ("token without name", "POST", "/tokens", "{\"permissions\":[]}", HttpStatusCode.BadRequest);
        yield return (
            "token unknown permission",
            "POST",
            "/tokens",
            "{\"name\":\"t\",\"permissions\":[\"root\"]}",
            HttpStatusCode.BadRequest
        );
        yield return (
            "token expires not a date",
            "POST",
            "/tokens",
            "{\"name\":\"t\",\"permissions\":[\"SCIM Provisioning\"],\"expires_on\":\"soon\"}",
            HttpStatusCode.BadRequest
        );
        yield return (
            "resource group scope string",
            "POST",
            "/iam/resource_groups",
            "{\"name\":\"rg\",\"scope\":\"everything\"}",
            HttpStatusCode.BadRequest
        );
        yield return (
            "resource group foreign scope",
            "POST",
            "/iam/resource_groups",
            "{\"name\":\"rg\",\"scope\":{\"key\":\"com.cloudflare.api.account.ffffffffffffffffffffffffffffffff\","
                + "\"objects\":[{\"key\":\"*\"}]}}",
            HttpStatusCode.BadRequest
        );
        yield return (
            "unknown resource group",
            "PUT",
            "/iam/resource_groups/0123456789abcdef0123456789abcdef",
            "{\"name\":\"x\"}",
            HttpStatusCode.NotFound
        );
    }

    private static BadRequestCase Scimc(
        string name,
        string method,
        string path,
        string? body,
        HttpStatusCode status,
        string? scimType,
        string contentType = Scim
    ) => new(name, method, path, body is null ? null : Encoding.UTF8.GetBytes(body), contentType, status, scimType, Admin: false);

    private static BadRequestCase Admin(string name, string method, string path, string body, HttpStatusCode status) =>
        new(name, method, path, Encoding.UTF8.GetBytes(body), Json, status, null, Admin: true);

    private static BadRequestCase Raw(
        string name,
        string method,
        string path,
        byte[] body,
        string contentType,
        HttpStatusCode status,
        string? scimType,
        bool admin
    ) => new(name, method, path, body, contentType, status, scimType, admin);

    [Fact]
    public void The_corpus_has_at_least_200_cases_across_scim_and_admin_endpoints()
    {
        var cases = All().ToList();
        Assert.True(cases.Count >= 200, $"only {cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(cases, c => c.Admin);
        Assert.All(ScimWrites, endpoint => Assert.Contains(cases, c => !c.Admin && c.Method == endpoint.Method && c.Path == endpoint.Path));
        Assert.All(AdminWrites, endpoint => Assert.Contains(cases, c => c.Admin && c.Method == endpoint.Method && c.Path == endpoint.Path));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_bad_request_gets_its_documented_error_and_changes_no_byte(string name)
    {
        var badCase = ByName.Value[name];
        var account = fixture.Account;
        var before = await DatabaseSnapshot.TakeAsync(fixture.Factory.Services);
        var path = fixture.Ids.Aggregate(badCase.Path, (p, id) => p.Replace("{" + id.Key + "}", id.Value, StringComparison.Ordinal));
        using var request = new HttpRequestMessage(
            new HttpMethod(badCase.Method),
            (badCase.Admin ? account.AdminBase : account.ScimBase) + path
        );
        if (badCase.Body is not null)
        {
            request.Content = new ByteArrayContent(badCase.Body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", badCase.ContentType);
        }

        using var response = await (badCase.Admin ? account.Admin : account.Scim).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(
            badCase.Status == response.StatusCode,
            $"{badCase.Name}: expected {(int)badCase.Status}, got {(int)response.StatusCode}: {Shorten(text)}"
        );
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        var body = JsonNode.Parse(text)!.AsObject();
        if (badCase.Admin)
        {
            Assert.False(body["success"]!.GetValue<bool>());
            Assert.NotEmpty(body["errors"]!.AsArray());
            Assert.NotNull(body["errors"]![0]!["message"]);
        }
        else
        {
            Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", body["schemas"]![0]!.GetValue<string>());
            Assert.Equal(
                ((int)badCase.Status).ToString(System.Globalization.CultureInfo.InvariantCulture),
                body["status"]!.GetValue<string>()
            );
            if (badCase.ScimType is not null)
            {
                Assert.True(
                    badCase.ScimType == body["scimType"]?.GetValue<string>(),
                    $"{badCase.Name}: scimType {body["scimType"]}: {Shorten(text)}"
                );
            }
        }

        Assert.Equal(before, await DatabaseSnapshot.TakeAsync(fixture.Factory.Services));
    }

    private static string Shorten(string text) => text.Length > 400 ? text[..400] + "…" : text;
}
