using Microsoft.AspNetCore.Http;
using ScimProvisioning.Api.Recording;

namespace ScimProvisioning.Api.Tests.Recording;

/// <summary>Which request paths the flight recorder takes for SCIM requests, and the account and SCIM path it files them under.</summary>
public sealed class ScimPathTests
{
    [Theory]
    [InlineData("/client/v4/accounts/abc/scim/v2/Users", "abc", "/Users")]
    [InlineData("/client/v4/accounts/abc/scim/v2/Users/0123", "abc", "/Users/0123")]
    [InlineData("/client/v4/accounts/abc/scim/v2/", "abc", "/")]
    [InlineData("/client/v4/accounts/abc/scim/v2", "abc", "/")]
    [InlineData("/client/v4/accounts/abc/scim/v2x/Users", null, null)]
    [InlineData("/client/v4/accounts/abc/scim/v1/Users", null, null)]
    [InlineData("/client/v4/accounts/abc/SCIM/v2/Users", null, null)]
    [InlineData("/client/v4/accounts/abc/members", null, null)]
    [InlineData("/client/v4/accounts/abc", null, null)]
    [InlineData("/client/v4/accounts/", null, null)]
    [InlineData("/client/v4/accounts", null, null)]
    [InlineData("/client/v4/accountsabc/scim/v2/Users", null, null)]
    [InlineData("/Client/v4/accounts/abc/scim/v2/Users", null, null)]
    [InlineData("/dashboard/", null, null)]
    [InlineData("", null, null)]
    public void Scim_paths_are_matched_by_whole_segments(string requestPath, string? account, string? path)
    {
        var matched = RecordingMiddleware.TryScimPath(
            new PathString(requestPath.Length == 0 ? null : requestPath),
            out var accountId,
            out var scimPath
        );

        Assert.Equal(account is not null, matched);
        Assert.Equal(account ?? "", accountId);
        Assert.Equal(path ?? "", scimPath);
    }
}
