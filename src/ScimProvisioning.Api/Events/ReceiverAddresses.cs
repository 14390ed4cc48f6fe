using System.Net;
using System.Net.Sockets;

namespace ScimProvisioning.Api.Events;

/// <summary>
/// Which receiver URLs may be called: absolute http(s) URLs, and — unless <c>Events:AllowPrivateReceivers</c> — none
/// that resolves to a loopback, private, link-local, unique-local or unspecified address (checked at registration and
/// again on every connection, so a name re-pointed later cannot reach the internal network).
/// </summary>
public static class ReceiverAddresses
{
    /// <summary>Why the URL cannot be a receiver's, or null when it can.</summary>
    public static async Task<string?> RefusalAsync(string? url, bool allowPrivate, CancellationToken cancellationToken)
    {
        if (
            string.IsNullOrWhiteSpace(url)
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.UserInfo)
        )
        {
            return "'url' must be an absolute http:// or https:// URL without credentials.";
        }

        if (allowPrivate)
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.DnsSafeHost, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(uri.DnsSafeHost, cancellationToken);
        }
        catch (SocketException)
        {
            return $"'{uri.Host}' does not resolve.";
        }

        return addresses.Length == 0 || addresses.Any(IsInternal)
            ? $"'{uri.Host}' is a loopback or private address; set Events:AllowPrivateReceivers=true to allow it."
            : null;
    }

    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
            || b[0] == 0;
    }

    /// <summary>An HTTP handler whose connections refuse internal addresses (unless allowed), whatever DNS says then.</summary>
    public static SocketsHttpHandler Handler(bool allowPrivate) =>
        new()
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
                var allowed = addresses.Where(a => allowPrivate || !IsInternal(a)).ToArray();
                if (allowed.Length == 0)
                {
                    throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves only to internal addresses.");
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
}
