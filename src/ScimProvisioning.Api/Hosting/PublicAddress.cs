using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace ScimProvisioning.Api.Hosting;

/// <summary>
/// The address every emitted URL starts with (<c>meta.location</c>, <c>Location</c>, <c>$ref</c>, discovery
/// locations, the startup banner): <see cref="ServerOptions.PublicBaseUrl"/> when configured, otherwise the request's
/// scheme, host and path base — which the forwarded-headers middleware has already rewritten when, and only when, the
/// request came from a trusted proxy.
/// </summary>
public sealed class PublicAddress
{
    private readonly string? configured;

    public PublicAddress(ServerOptions options)
    {
        configured = Parse(options.PublicBaseUrl)?.ToString().TrimEnd('/');
        PathBase = configured is null ? PathString.Empty : new PathString(new Uri(configured).AbsolutePath.TrimEnd('/'));
    }

    /// <summary>The path of the configured public address (<c>/scim</c>), or empty.</summary>
    public PathString PathBase { get; }

    public bool IsConfigured => configured is not null;

    /// <summary><c>https://scim.example.com</c> (no trailing slash), the root below which the server's paths live.</summary>
    public string Root(HttpRequest request) => configured ?? $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary>The configured address, or the first address the server listens on (the startup banner).</summary>
    public string Root(string? listening) => configured ?? (listening ?? "http://localhost:5000").TrimEnd('/');

    /// <summary>An absolute http(s) URL without query or fragment; anything else stops the start with a message.</summary>
    public static Uri? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (
            !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0
            || uri.UserInfo.Length > 0
        )
        {
            throw new ConfigurationException(
                $"Server:PublicBaseUrl '{text}' is not an http(s) address without query, fragment or credentials "
                    + "(https://scim.example.com or https://example.com/scim)."
            );
        }

        return uri;
    }

    /// <summary>Forwarded headers from the trusted proxies only; null when none is configured (headers ignored).</summary>
    public static ForwardedHeadersOptions? ForwardedHeaders(ServerOptions options)
    {
        if (options.TrustedProxies.Count == 0)
        {
            return null;
        }

        var forwarded = new ForwardedHeadersOptions
        {
            ForwardedHeaders =
                Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedHost
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedPrefix,
            ForwardLimit = Math.Max(1, options.ForwardLimit),
        };

        // ASP.NET Core trusts loopback by default; here only what the operator names is trusted.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var entry in options.TrustedProxies)
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network))
            {
                forwarded.KnownIPNetworks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                forwarded.KnownProxies.Add(address);
                if (address.IsIPv4MappedToIPv6 || address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                {
                    // Kestrel may report an IPv4 client in its IPv6-mapped form on a dual-stack socket.
                    forwarded.KnownProxies.Add(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address.MapToIPv6());
                }
            }
            else
            {
                throw new ConfigurationException(
                    $"Server:TrustedProxies entry '{entry}' is neither an IP address nor a CIDR network (10.0.0.0/8)."
                );
            }
        }

        return forwarded;
    }

    /// <summary><c>Server:TrustedProxies</c> as a list (<c>Server__TrustedProxies__0</c>) or one comma-separated value.</summary>
    public static ServerOptions Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(ServerOptions.Section);
        var options = new ServerOptions
        {
            PublicBaseUrl = section["PublicBaseUrl"],
            ForwardLimit = int.TryParse(section["ForwardLimit"], out var limit) ? limit : 1,
        };
        var proxies = section.GetSection("TrustedProxies");
        var entries = proxies.Value is { } single ? single.Split(',') : proxies.GetChildren().Select(c => c.Value ?? "");
        options.TrustedProxies.AddRange(entries.Select(e => e.Trim()).Where(e => e.Length > 0));
        return options;
    }
}

/// <summary>A setting the server cannot start with; the program prints the message and exits with 2.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
