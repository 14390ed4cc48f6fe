using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Tests.Infrastructure;
using ScimProvisioning.Domain.Tokens;

namespace ScimProvisioning.Api.Tests.Auth;

/// <summary>
/// The policy evaluator answers an account policy the token passes without the authorization service; every other
/// answer, and every other policy, must be the one ASP.NET Core's evaluator gives.
/// </summary>
public sealed class AccountPolicyEvaluatorTests(CloudflareApiFactory factory) : IClassFixture<CloudflareApiFactory>
{
    private static HttpContext Request(string pathAccount, ClaimsPrincipal user)
    {
        var http = new DefaultHttpContext { User = user };
        http.Request.RouteValues = new RouteValueDictionary { ["account_id"] = pathAccount };
        return http;
    }

    private static ClaimsPrincipal Token(string account, params string[] permissions) =>
        new(
            new ClaimsIdentity(
                [new Claim("jti", "t1"), new Claim("account_id", account), .. permissions.Select(p => new Claim("perm", p))],
                "Bearer"
            )
        );

    public static TheoryData<string, string, string[], bool, string> Cases =>
        new()
        {
            // policy, path account, token permissions, authenticated, expected
            { Policies.ScimRead, "a1", [TokenPermissions.ScimProvisioningEdit], true, "succeeded" },
            { Policies.ScimWrite, "a1", [TokenPermissions.AccountSettingsRead], true, "forbidden" },
            { Policies.ScimRead, "a2", [TokenPermissions.ScimProvisioningEdit], true, "forbidden" },
            { Policies.TokensWrite, "a1", [TokenPermissions.AccountApiTokensWrite], true, "succeeded" },
            { Policies.ScimRead, "a1", [TokenPermissions.ScimProvisioningEdit], false, "challenged" },
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Answers_as_ASP_NET_Cores_evaluator(
        string policyName,
        string pathAccount,
        string[] permissions,
        bool authenticated,
        string expected
    )
    {
        var evaluator = factory.Services.GetRequiredService<IPolicyEvaluator>();
        Assert.IsType<AccountPolicyEvaluator>(evaluator);
        var policy = (await factory.Services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(policyName))!;
        var user = authenticated ? Token("a1", permissions) : new ClaimsPrincipal(new ClaimsIdentity());
        var http = Request(pathAccount, user);
        var authentication = authenticated
            ? AuthenticateResult.Success(new AuthenticationTicket(user, "Bearer"))
            : AuthenticateResult.NoResult();

        var ours = await evaluator.AuthorizeAsync(policy, authentication, http, http);
        var aspNet = await new PolicyEvaluator(factory.Services.GetRequiredService<IAuthorizationService>()).AuthorizeAsync(
            policy,
            authentication,
            http,
            http
        );

        Assert.Equal(expected, Outcome(aspNet));
        Assert.Equal(Outcome(aspNet), Outcome(ours));
    }

    [Fact]
    public async Task A_policy_with_more_than_the_account_requirement_is_evaluated_in_full()
    {
        var evaluator = factory.Services.GetRequiredService<IPolicyEvaluator>();
        var user = Token("a1", TokenPermissions.ScimProvisioningEdit);
        var http = Request("a1", user);
        var policy = new AuthorizationPolicyBuilder()
            .AddRequirements(new AccountAccessRequirement(TokenPermissions.ScimProvisioningEdit))
            .AddRequirements(new ClaimsAuthorizationRequirement("role", ["auditor"]))
            .Build();

        var result = await evaluator.AuthorizeAsync(
            policy,
            AuthenticateResult.Success(new AuthenticationTicket(user, "Bearer")),
            http,
            http
        );

        Assert.Equal("forbidden", Outcome(result));
    }

    private static string Outcome(PolicyAuthorizationResult result) =>
        result.Succeeded ? "succeeded"
        : result.Forbidden ? "forbidden"
        : result.Challenged ? "challenged"
        : "none";
}
