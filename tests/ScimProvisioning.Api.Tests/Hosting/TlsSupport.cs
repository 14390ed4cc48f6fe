using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ScimProvisioning.Api.Tests.Hosting;

/// <summary>A throw-away certificate for one DNS name, as PEM files, and clients that trust it and nothing else.</summary>
public sealed class ThrowAwayCertificate
{
    private ThrowAwayCertificate(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        Certificate = certificate;
        CertificatePath = certificatePath;
        KeyPath = keyPath;
    }

    public X509Certificate2 Certificate { get; }
    public string CertificatePath { get; }
    public string KeyPath { get; }

    public static ThrowAwayCertificate Create(string directory, string dnsName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(
            new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false) // server authentication
        );
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(directory, dnsName + ".pem");
        var keyPath = Path.Combine(directory, dnsName + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new ThrowAwayCertificate(X509CertificateLoader.LoadCertificate(certificate.RawData), certificatePath, keyPath);
    }

    /// <summary>
    /// An HTTPS client of <c>https://{dnsName}:{port}</c> that connects to 127.0.0.1 (as <c>curl --resolve</c>) and
    /// trusts only this certificate: the chain is built against it alone, the system store is not consulted.
    /// </summary>
    public HttpClient Client(string dnsName, int port)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { Certificate },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://{dnsName}:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>A plain-HTTP client whose connections come from <paramref name="source"/> (another loopback address).</summary>
    public static HttpClient ClientFrom(IPAddress source, int port) =>
        new(
            new SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            }
        )
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
}

/// <summary>Debian's nginx as a child process with a configuration of the test's own; skipped where nginx is missing.</summary>
public sealed class NginxProcess : IDisposable
{
    public const string Binary = "/usr/sbin/nginx";
    private readonly Process process;
    private readonly string errorLog;

    private NginxProcess(Process process, string errorLog)
    {
        this.process = process;
        this.errorLog = errorLog;
    }

    public static bool Installed => File.Exists(Binary);

    /// <summary>Runs nginx in the foreground with <paramref name="serverBlock"/> inside a minimal http block.</summary>
    public static async Task<NginxProcess> StartAsync(string directory, string serverBlock, int port)
    {
        var temp = Path.Combine(directory, "nginx-temp");
        Directory.CreateDirectory(temp);
        // Workers drop to an unprivileged user when the tests run as root; they write their buffers here.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, (UnixFileMode)0b111_111_111);
        }
        var errorLog = Path.Combine(directory, "nginx-error.log");
        var configuration = Path.Combine(directory, "nginx.conf");
        File.WriteAllText(
            configuration,
            $$"""
            daemon off;
            worker_processes 1;
            pid {{Path.Combine(directory, "nginx.pid")}};
            error_log {{errorLog}} warn;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path {{temp}}/body;
                proxy_temp_path {{temp}}/proxy;
                fastcgi_temp_path {{temp}}/fastcgi;
                uwsgi_temp_path {{temp}}/uwsgi;
                scgi_temp_path {{temp}}/scgi;
            {{serverBlock}}
            }
            """
        );
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-e", errorLog, "-p", directory, "-c", configuration },
        };
        var process = Process.Start(start)!;
        Infrastructure.ServerProcesses.Drain(process, null);
        var nginx = new NginxProcess(process, errorLog);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {process.ExitCode}: {nginx.ErrorLog()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return nginx;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        nginx.Dispose();
        throw new InvalidOperationException("nginx did not listen: " + nginx.ErrorLog());
    }

    public string ErrorLog() => File.Exists(errorLog) ? File.ReadAllText(errorLog) : "";

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
    }
}
