using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ScimProvisioning.Api.Tests.Infrastructure;

/// <summary>
/// The server program as a separate process (the multi-instance and crash tests): run a verb, or start the server on
/// a free 127.0.0.1 port and wait until it is ready.
/// </summary>
public static class ServerProcesses
{
    public static Process Start(IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>Runs a verb (<c>bootstrap --json</c>, …) to completion and returns its standard output.</summary>
    public static async Task<string> RunVerbAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(environment, args);
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    /// <summary>Starts the server on a free port; returns the process and a client of it once /health/ready answers.</summary>
    public static async Task<(Process Process, HttpClient Client)> StartServerAsync(IReadOnlyDictionary<string, string> environment)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var process = Start(environment, ["--urls", $"http://127.0.0.1:{port}"]);
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        for (var attempt = 0; attempt < 150; attempt++)
        {
            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return (process, client);
                }
            }
            catch (HttpRequestException) { }

            await Task.Delay(200);
        }

        process.Kill();
        throw new InvalidOperationException("The server process did not become ready.");
    }
}
