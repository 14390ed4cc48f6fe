using Microsoft.Extensions.Options;
using ScimProvisioning.Api.Auth;
using ScimProvisioning.Api.Configuration;
using ScimProvisioning.Api.Recording;
using ScimProvisioning.Api.Scim.Profiles;
using ScimProvisioning.Domain.Audit;

namespace ScimProvisioning.Api.Scim;

/// <summary>What every SCIM handler needs to know about the request: account, actor, profile, base URL.</summary>
public sealed class ScimContext(
    IHttpContextAccessor accessor,
    IOptions<ScimOptions> options,
    IScimProfile profile,
    Hosting.PublicAddress address
)
{
    private HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No current request.");

    public ScimOptions Options => options.Value;

    /// <summary>The running compatibility profile: the only thing that knows how the two differ.</summary>
    public IScimProfile Profile => profile;

    public string AccountId => (string)Http.GetRouteValue("account_id")!;

    public Actor Actor => new(Http.User.TokenId() ?? "unknown");

    /// <summary>The SCIM base URL as IdPs reach it (<see cref="Hosting.PublicAddress"/>).</summary>
    public string BaseUrl => $"{address.Root(Http.Request)}/client/v4/accounts/{AccountId}/scim/v2";

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>What the flight recorder is told about this request; null when it is not recorded.</summary>
    public RequestRecording? Recording => accessor.HttpContext?.Features.Get<RequestRecording>();
}
