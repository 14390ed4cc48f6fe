namespace ScimProvisioning.Api.Hosting;

/// <summary><c>Server:*</c> — how the server is reached from outside: its public address and the proxies it trusts.</summary>
public sealed class ServerOptions
{
    public const string Section = "Server";

    /// <summary>
    /// The address IdPs use (<c>https://scim.example.com</c>, or with a path: <c>https://example.com/scim</c>). When set,
    /// every URL the server emits starts with it, whatever the request or a proxy's headers say; empty: built from the
    /// request (after trusted forwarded headers).
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// Proxies whose <c>X-Forwarded-For/-Proto/-Host/-Prefix</c> headers are believed: IP addresses or CIDR networks
    /// (<c>127.0.0.1</c>, <c>10.0.0.0/8</c>), as a list or separated by commas. Empty (the default): forwarded headers
    /// are ignored from everyone.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>How many proxies in a row may append to <c>X-Forwarded-For</c> (a load balancer in front of nginx: 2).</summary>
    public int ForwardLimit { get; set; } = 1;
}
