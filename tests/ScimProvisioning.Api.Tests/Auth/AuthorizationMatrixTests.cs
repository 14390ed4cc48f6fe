using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Permissions;
using ScimProvisioning.Domain.Persistence;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Tests.Auth;

/// <summary>Two accounts and a token of every kind a caller can hold, and ids for every route parameter.</summary>
public sealed class AuthorizationMatrixFixture : IAsyncLifetime
{
    public StandardApiFactory Factory { get; } = new();

    public TestAccount Account { get; private set; } = null!;

    /// <summary>Caller name → bearer token (null: no Authorization header), in the matrix's column order.</summary>
    public List<(string Caller, string? Token)> Callers { get; } = [];

    public Dictionary<string, string> RouteValues { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        Account = await Factory.CreateAccountAsync();
        var other = await Factory.CreateAccountAsync("other-owner@example.com");
        var id = Account.AccountId;

        var revoked = await Factory.CreateTokenAsync(id, TokenPermissions.All);
        var revokedId = await Account.QueryAsync(db =>
            Task.FromResult(db.ApiTokens.OrderByDescending(t => t.Created).First(t => t.AccountId == id).Id)
        );
        await Account.QueryAsync(async db =>
        {
            var record = db.ApiTokens.Single(t => t.Id == revokedId);
            record.RevokedOn = DateTime.UtcNow;
            return await db.SaveChangesAsync();
        });

        Callers.AddRange([
            ("no token", null),
            ("SCIM token", Account.ScimToken),
            ("admin read-only", await Factory.CreateTokenAsync(id, [TokenPermissions.AccountSettingsRead])),
            (
                "admin read+write",
                await Factory.CreateTokenAsync(id, [TokenPermissions.AccountSettingsRead, TokenPermissions.AccountSettingsWrite])
            ),
            (
                "token manager",
                await Factory.CreateTokenAsync(id, [TokenPermissions.AccountApiTokensRead, TokenPermissions.AccountApiTokensWrite])
            ),
            ("revoked", revoked),
            ("expired", await ExpiredTokenAsync(id)),
            ("other account's SCIM token", other.ScimToken),
            ("other account's admin token", other.AdminToken),
        ]);

        var user = await Account.CreateUserAsync("matrix@example.com");
        RouteValues["account_id"] = id;
        RouteValues["user"] = user;
        RouteValues["group"] = await Account.CreateGroupAsync("Matrix Group", user);
        RouteValues["member_id"] = (await Account.MemberIdOfAsync(user))!;
        RouteValues["name"] = "User";
        RouteValues["entry_id"] = "0123456789abcdef0123456789abcdef";
        RouteValues["receiver_id"] = "0123456789abcdef0123456789abcdef";
        RouteValues["delivery_id"] = "0123456789abcdef0123456789abcdef";
        RouteValues["uri"] = "urn:ietf:params:scim:schemas:core:2.0:User";
        RouteValues["permission_group_id"] = PermissionGroupCatalog.SuperAdministratorId;
        var userGroup = await (
            await Account.AdminPostAsync("/iam/user_groups", """{"name":"Matrix Admin Group","policies":[]}""")
        ).AssertStatusAsync(HttpStatusCode.OK);
        RouteValues["user_group_id"] = userGroup["result"]!["id"]!.GetValue<string>();
        var scope = await (
            await Account.AdminPostAsync(
                "/iam/resource_groups",
                $$$"""{"name":"Matrix scope","scope":{"key":"com.cloudflare.api.account.{{{id}}}","objects":[{"key":"*"}]} }"""
            )
        ).AssertStatusAsync(HttpStatusCode.OK);
        RouteValues["resource_group_id"] = scope["result"]!["id"]!.GetValue<string>();
        // A token every token manager may revoke (it holds only a permission the manager holds too).
        await Factory.CreateTokenAsync(id, [TokenPermissions.AccountApiTokensRead]);
        RouteValues["token_id"] = await Account.QueryAsync(db =>
            Task.FromResult(db.ApiTokens.OrderByDescending(t => t.Created).First(t => t.AccountId == id).Id)
        );
    }

    /// <summary>A token whose JWT and record both expired an hour ago (the API refuses to issue one).</summary>
    private async Task<string> ExpiredTokenAsync(string accountId)
    {
        using var scope = Factory.Services.CreateScope();
        var record = new ApiToken
        {
            Id = Domain.Identifiers.NewTag(),
            AccountId = accountId,
            Name = "expired",
            Permissions = [.. TokenPermissions.All],
            Created = DateTime.UtcNow.AddHours(-3),
            ExpiresOn = DateTime.UtcNow.AddHours(-1),
        };
        var db = scope.ServiceProvider.GetRequiredService<ScimDbContext>();
        db.ApiTokens.Add(record);
        await db.SaveChangesAsync();
        return scope.ServiceProvider.GetRequiredService<TokenService>().Sign(record);
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>
/// Every route the application registers × every kind of caller (SPEC §6, issue 13). The routes come from the
/// app's own endpoint table, so a new route without an entry in <see cref="Access"/> fails this test. Wherever the
/// answer is 401 or 403, every table of the database is byte for byte as it was. The matrix is printed in
/// docs/security.md; the test fails, showing the new table, when the document disagrees.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixFixture fixture) : IClassFixture<AuthorizationMatrixFixture>
{
    private const string S = TokenPermissions.ScimProvisioningEdit;
    private const string R = TokenPermissions.AccountSettingsRead;
    private const string W = TokenPermissions.AccountSettingsWrite;
    private const string TR = TokenPermissions.AccountApiTokensRead;
    private const string TW = TokenPermissions.AccountApiTokensWrite;

    /// <summary>The permissions of each caller of the fixture (the expectation, written out independently of the server's
    /// policies).</summary>
    private static readonly Dictionary<string, string[]> CallerPermissions = new(StringComparer.Ordinal)
    {
        ["SCIM token"] = [S],
        ["admin read-only"] = [R],
        ["admin read+write"] = [R, W],
        ["token manager"] = [TR, TW],
    };

    private static readonly string[] Unauthenticated = ["no token", "revoked", "expired"];
    private static readonly string[] OtherAccount = ["other account's SCIM token", "other account's admin token"];

    private static readonly string[] Anyone = [];
    private static readonly string[] ScimRead = [S, R, W];
    private static readonly string[] ScimWrite = [S, W];
    private static readonly string[] AuditRead = [R, W];
    private static readonly string[] SettingsWrite = [W];
    private static readonly string[] TokensRead = [TR, TW];
    private static readonly string[] TokensWrite = [TW];
    private static readonly string[] AnyToken = [S, R, W, TR, TW];

    private const string Scim = "/client/v4/accounts/{account_id}/scim/v2";
    private const string Admin = "/client/v4/accounts/{account_id}";

    /// <summary>
    /// Method and route pattern → the permissions that reach it (one suffices); <see cref="Anyone"/> = no token needed.
    /// </summary>
    private static readonly Dictionary<string, string[]> Access = new(StringComparer.Ordinal)
    {
        ["* /health/live"] = Anyone,
        ["* /health/ready"] = Anyone,
        [$"* {Scim}/{{*path:nonfile}}"] = Anyone,
        [$"GET {Scim}/Users"] = ScimRead,
        [$"GET {Scim}/Users/{{id}}"] = ScimRead,
        [$"POST {Scim}/Users"] = ScimWrite,
        [$"PUT {Scim}/Users/{{id}}"] = ScimWrite,
        [$"PATCH {Scim}/Users/{{id}}"] = ScimWrite,
        [$"DELETE {Scim}/Users/{{id}}"] = ScimWrite,
        [$"GET {Scim}/Groups"] = ScimRead,
        [$"GET {Scim}/Groups/{{id}}"] = ScimRead,
        [$"POST {Scim}/Groups"] = ScimWrite,
        [$"PUT {Scim}/Groups/{{id}}"] = ScimWrite,
        [$"PATCH {Scim}/Groups/{{id}}"] = ScimWrite,
        [$"DELETE {Scim}/Groups/{{id}}"] = ScimWrite,
        [$"POST {Scim}/Users/.search"] = ScimRead,
        [$"POST {Scim}/Groups/.search"] = ScimRead,
        [$"POST {Scim}/.search"] = ScimRead,
        [$"POST {Scim}/Bulk"] = ScimWrite,
        [$"GET {Scim}/ServiceProviderConfig"] = ScimRead,
        [$"GET {Scim}/ServiceProviderConfigs"] = ScimRead,
        [$"GET {Scim}/ResourceTypes"] = ScimRead,
        [$"GET {Scim}/ResourceTypes/{{name}}"] = ScimRead,
        [$"GET {Scim}/Schemas"] = ScimRead,
        [$"GET {Scim}/Schemas/{{uri}}"] = ScimRead,
        [$"GET {Admin}/members"] = ScimRead,
        [$"POST {Admin}/members"] = ScimWrite,
        [$"GET {Admin}/members/{{member_id}}"] = ScimRead,
        [$"PUT {Admin}/members/{{member_id}}"] = ScimWrite,
        [$"DELETE {Admin}/members/{{member_id}}"] = ScimWrite,
        [$"GET {Admin}/members/{{member_id}}/effective_permissions"] = ScimRead,
        [$"GET {Admin}/iam/permission_groups"] = ScimRead,
        [$"GET {Admin}/iam/permission_groups/{{permission_group_id}}"] = ScimRead,
        [$"GET {Admin}/iam/resource_groups"] = ScimRead,
        [$"GET {Admin}/iam/resource_groups/{{resource_group_id}}"] = ScimRead,
        [$"POST {Admin}/iam/resource_groups"] = ScimWrite,
        [$"PUT {Admin}/iam/resource_groups/{{resource_group_id}}"] = ScimWrite,
        [$"DELETE {Admin}/iam/resource_groups/{{resource_group_id}}"] = ScimWrite,
        [$"GET {Admin}/iam/user_groups"] = ScimRead,
        [$"POST {Admin}/iam/user_groups"] = ScimWrite,
        [$"GET {Admin}/iam/user_groups/{{user_group_id}}"] = ScimRead,
        [$"PUT {Admin}/iam/user_groups/{{user_group_id}}"] = ScimWrite,
        [$"DELETE {Admin}/iam/user_groups/{{user_group_id}}"] = ScimWrite,
        [$"GET {Admin}/iam/user_groups/{{user_group_id}}/members"] = ScimRead,
        [$"POST {Admin}/iam/user_groups/{{user_group_id}}/members"] = ScimWrite,
        [$"PUT {Admin}/iam/user_groups/{{user_group_id}}/members"] = ScimWrite,
        [$"DELETE {Admin}/iam/user_groups/{{user_group_id}}/members/{{member_id}}"] = ScimWrite,
        [$"GET {Admin}/audit_logs"] = AuditRead,
        [$"GET {Admin}/events/receivers"] = AuditRead,
        [$"POST {Admin}/events/receivers"] = SettingsWrite,
        [$"GET {Admin}/events/receivers/{{receiver_id}}"] = AuditRead,
        [$"DELETE {Admin}/events/receivers/{{receiver_id}}"] = SettingsWrite,
        [$"GET {Admin}/events/receivers/{{receiver_id}}/deliveries"] = AuditRead,
        [$"POST {Admin}/events/receivers/{{receiver_id}}/deliveries/{{delivery_id}}/retry"] = SettingsWrite,
        [$"POST {Admin}/events/receivers/{{receiver_id}}/poll"] = AuditRead,
        [$"GET {Admin}/provisioning_log"] = AuditRead,
        [$"GET {Admin}/provisioning_log/export"] = AuditRead,
        [$"GET {Admin}/provisioning_log/compatibility"] = AuditRead,
        [$"GET {Admin}/provisioning_log/status"] = AuditRead,
        [$"GET {Admin}/provisioning_log/{{entry_id}}"] = AuditRead,
        [$"GET {Admin}/tokens"] = TokensRead,
        [$"GET {Admin}/tokens/permission_groups"] = TokensRead,
        [$"GET {Admin}/tokens/{{token_id}}"] = TokensRead,
        [$"POST {Admin}/tokens"] = TokensWrite,
        [$"DELETE {Admin}/tokens/{{token_id}}"] = TokensWrite,
        [$"GET {Admin}/tokens/verify"] = AnyToken,
    };

    /// <summary>"METHOD pattern" for every endpoint the running application registers.</summary>
    private List<string> RegisteredRoutes() => RouteTable.Of(fixture.Factory.Services).Select(r => $"{r.Method} {r.Pattern}").ToList();

    [Fact]
    public void Every_registered_route_has_an_entry_and_every_entry_a_route()
    {
        var registered = RegisteredRoutes();
        var missing = registered.Except(Access.Keys, StringComparer.Ordinal).ToList();
        var stale = Access.Keys.Except(registered, StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "routes without an authorization entry:\n" + string.Join('\n', missing));
        Assert.True(stale.Count == 0, "entries without a route:\n" + string.Join('\n', stale));
    }

    [Fact]
    public async Task Every_route_answers_every_caller_as_the_matrix_says_and_a_refusal_changes_nothing()
    {
        var callers = fixture.Callers;
        var matrix = new StringBuilder();
        matrix.Append("| Route | ").AppendJoin(" | ", callers.Select(c => c.Caller)).Append(" |\n");
        matrix.Append("|---|").AppendJoin("", callers.Select(_ => "---|")).Append('\n');
        var wrong = new List<string>();

        // Deletes last, so the ids every other route names still exist when it is called.
        foreach (
            var route in RegisteredRoutes()
                .Where(Access.ContainsKey)
                .OrderBy(r => r.StartsWith("DELETE", StringComparison.Ordinal))
                .ThenBy(r => r, StringComparer.Ordinal)
        )
        {
            var cells = new List<string>();
            var expected = callers.Select(c => Expected(Access[route], c.Caller)).ToList();
            // The refused callers first, against one snapshot; then the ones that reach the handler.
            var before = await DatabaseSnapshot.TakeAsync(fixture.Factory.Services);
            var answers = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (caller, token) in callers.Where((_, i) => expected[i] != 0))
            {
                answers[caller] = await SendAsync(route, token);
            }

            var after = await DatabaseSnapshot.TakeAsync(fixture.Factory.Services);
            if (!before.SequenceEqual(after))
            {
                wrong.Add($"{route}: a refused request changed the database");
            }

            foreach (var (caller, token) in callers.Where((_, i) => expected[i] == 0))
            {
                answers[caller] = await SendAsync(route, token);
            }

            for (var i = 0; i < callers.Count; i++)
            {
                var status = answers[callers[i].Caller];
                var reached = status is not (401 or 403);
                var ok = expected[i] == 0 ? reached : status == expected[i];
                if (!ok)
                {
                    wrong.Add(
                        $"{route} as {callers[i].Caller}: {status}, expected {(expected[i] == 0 ? "to reach the handler" : expected[i])}"
                    );
                }

                cells.Add(expected[i] == 0 ? "✓" : expected[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            matrix
                .Append("| `")
                .Append(route.Replace("/client/v4/accounts/{account_id}", "…", StringComparison.Ordinal))
                .Append("` | ")
                .AppendJoin(" | ", cells)
                .Append(" |\n");
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
        var document = await File.ReadAllTextAsync(Path.Combine(RouteTable.RepositoryRoot(), "docs", "security.md"));
        const string Start = "<!-- authorization-matrix:start -->\n";
        const string End = "<!-- authorization-matrix:end -->";
        var from = document.IndexOf(Start, StringComparison.Ordinal);
        var to = document.IndexOf(End, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "docs/security.md needs the authorization-matrix markers");
        var printed = document[(from + Start.Length)..to];
        Assert.True(printed == matrix.ToString(), "docs/security.md's matrix is out of date; it should read:\n" + matrix);
    }

    /// <summary>0 = reaches the handler; otherwise the status the caller must get.</summary>
    private static int Expected(string[] accepted, string caller)
    {
        if (accepted.Length == 0)
        {
            return 0;
        }

        if (Unauthenticated.Contains(caller))
        {
            return 401;
        }

        if (OtherAccount.Contains(caller))
        {
            return 403;
        }

        return CallerPermissions[caller].Intersect(accepted).Any() ? 0 : 403;
    }

    private async Task<int> SendAsync(string route, string? token)
    {
        var space = route.IndexOf(' ', StringComparison.Ordinal);
        var method = route[..space] == "*" ? "GET" : route[..space];
        var path = route[(space + 1)..]
            .Replace("{*path:nonfile}", "NoSuchEndpoint", StringComparison.Ordinal)
            .Replace("/Users/{id}", "/Users/" + fixture.RouteValues["user"], StringComparison.Ordinal)
            .Replace("/Groups/{id}", "/Groups/" + fixture.RouteValues["group"], StringComparison.Ordinal);
        foreach (var (name, value) in fixture.RouteValues)
        {
            path = path.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("{", path, StringComparison.Ordinal);
        using var client = fixture.Factory.ClientWithToken(token);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = TestAccount.Body("{}", "application/json");
        }

        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }
}
