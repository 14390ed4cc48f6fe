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

    /// <summary>A TCP port nothing listens on at the moment (on 127.0.0.1).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Starts the server on a free port; returns the process and a client of it once /health/ready answers. Standard
    /// output and error lines go to <paramref name="output"/> when given.
    /// </summary>
    public static async Task<(Process Process, HttpClient Client)> StartServerAsync(
        IReadOnlyDictionary<string, string> environment,
        System.Collections.Concurrent.ConcurrentQueue<string>? output = null
    )
    {
        var port = FreePort();
        var process = Start(environment, ["--urls", $"http://127.0.0.1:{port}"]);
        Drain(process, output);
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        await WaitReadyAsync(process, client);
        return (process, client);
    }

    /// <summary>Reads the process's output so it never blocks on a full pipe, keeping the lines when asked.</summary>
    public static void Drain(Process process, System.Collections.Concurrent.ConcurrentQueue<string>? output)
    {
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                output?.Enqueue(line.Data);
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                output?.Enqueue(line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 through the client (its base address and handler).</summary>
    public static async Task WaitReadyAsync(Process process, HttpClient client)
    {
        for (var attempt = 0; attempt < 150; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server process exited with {process.ExitCode} before it was ready.");
            }

            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) { }

            await Task.Delay(200);
        }

        process.Kill();
        throw new InvalidOperationException("The server process did not become ready.");
    }
}
