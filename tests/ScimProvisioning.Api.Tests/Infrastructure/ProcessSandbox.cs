using System.Diagnostics;

namespace ScimProvisioning.Api.Tests.Infrastructure;

/// <summary>
/// A temporary directory with a SQLite database for server processes started by one test, the settings they share,
/// and the processes to stop when the test ends (killed with their children, then the directory removed).
/// </summary>
public sealed class ProcessSandbox : IDisposable
{
    private readonly List<Process> processes = [];

    public ProcessSandbox(string name)
    {
        Directory = Path.Combine(Path.GetTempPath(), $"scim-{name}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>The settings every process here runs with (SQLite in the directory, the test key, no rate limit), and
    /// the test's own; a null value removes a default.</summary>
    public Dictionary<string, string> Environment(params (string Key, string? Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Scim"] = $"Data Source={Path.Combine(Directory, "scim.db")}",
            ["Auth__SigningKey"] = ScimApiFactory.SigningKey,
            ["RateLimit__Enabled"] = "false",
            ["Bootstrap__PrintTokensOnStartup"] = "false",
        };
        foreach (var (key, value) in settings)
        {
            if (value is null)
            {
                environment.Remove(key);
            }
            else
            {
                environment[key] = value;
            }
        }

        return environment;
    }

    public Process Track(Process process)
    {
        processes.Add(process);
        return process;
    }

    public void Dispose()
    {
        foreach (var process in processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }

            process.Dispose();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException) { }
    }
}
